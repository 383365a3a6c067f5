/**
 * The Recipes tab: choose a built-in recipe, set its parameters, run it (or only check) on this
 * node, and watch its steps and log live; earlier runs on the node are listed below to look at.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Node } from '../../../shared/domain/node';
import type { RecipeId } from '../../../shared/domain/recipe';
import { FormError } from '../../components/FormError';
import { rpc } from '../../rpc/api';
import { formErrorsFromCore } from '../../rpc/form-errors';
import { onJobChanged, useJobs } from '../../stores/jobs';
import { followRecipeSteps, loadRecipes, useRecipes } from '../../stores/recipes';
import { formatTime } from '../activity/format';
import { loadNodeJobs } from './node-jobs';
import { DEFAULT_RECIPE_FORM, paramFieldOfPath, parseRecipeForm, type ParamErrors, type RecipeFormValues } from './recipe-form';
import { RecipeParamsFields } from './RecipeParamsFields';
import { RecipePicker } from './RecipePicker';
import { RecipeRunView } from './RecipeRunView';
import { isCheckOnly, recipeOfJob, recipeResultOf, summaryLabel } from './recipe-view';

export function RecipesTab({ node }: { node: Node }) {
  const recipes = useRecipes((s) => s.recipes);
  const status = useRecipes((s) => s.status);
  const loadError = useRecipes((s) => s.error);
  const jobs = useJobs((s) => s.jobs);
  const [chosen, setChosen] = useState('');
  const [values, setValues] = useState<RecipeFormValues>(DEFAULT_RECIPE_FORM);
  const [errors, setErrors] = useState<ParamErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [shownId, setShownId] = useState<string | null>(null);

  useEffect(() => {
    followRecipeSteps();
    void loadRecipes();
  }, []);
  useEffect(() => {
    loadNodeJobs(node.id).catch(() => undefined); // the store's own list still shows recent runs
  }, [node.id]);

  const recipeId = chosen || recipes[0]?.id || '';
  const runs = useMemo(() => jobs.filter((j) => j.nodeId === node.id && j.kind === 'node.recipe'), [jobs, node.id]);
  const shown = runs.find((j) => j.id === shownId) ?? runs[0];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setGeneral(null);
    const { params, errors: local } = parseRecipeForm(values);
    setErrors(local);
    if (!params) return;
    setBusy(true);
    try {
      followRecipeSteps();
      const started = await rpc().call('nodes.runRecipe', { ids: [node.id], recipe: recipeId as RecipeId, params, checkOnly: values.checkOnly });
      started.forEach(onJobChanged);
      setShownId(started[0]?.id ?? null);
    } catch (err) {
      const found = formErrorsFromCore(err, paramFieldOfPath);
      setErrors(found.fields);
      setGeneral(found.general);
    } finally {
      setBusy(false);
    }
  };

  const idBase = `recipe-${node.id}`;
  return (
    <div className="recipes-tab">
      {status === 'error' && (
        <div className="notice notice-error" role="alert">
          Could not load the recipes: {loadError}
        </div>
      )}
      {(status === 'loading' || status === 'idle') && (
        <p className="muted" role="status">
          Loading recipes…
        </p>
      )}
      {status === 'ready' && recipes.length === 0 && <p className="muted">The Rackpilot core offers no recipes yet.</p>}
      {recipes.length > 0 && (
        <form className="recipe-form" aria-label={`Run a recipe on ${node.name}`} onSubmit={submit} noValidate>
          <FormError message={general} />
          <RecipePicker idBase={idBase} recipes={recipes} chosen={recipeId} onChoose={setChosen} />
          <RecipeParamsFields
            idBase={idBase}
            recipe={recipeId}
            values={values}
            errors={errors}
            onChange={(v, cleared) => {
              setValues(v);
              if (cleared && errors[cleared]) setErrors(({ [cleared]: _gone, ...rest }) => rest);
            }}
          />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy || !recipeId}>
              {busy ? 'Starting…' : values.checkOnly ? 'Check' : 'Run recipe'}
            </button>
          </div>
        </form>
      )}
      {shown && (
        <section aria-label="Recipe run" className="detail-section">
          <h3>{shown.id === runs[0]?.id ? 'Latest run' : 'Earlier run'}</h3>
          <RecipeRunView key={shown.id} job={shown} info={recipeOfJob(shown, recipes)} />
        </section>
      )}
      {runs.length > 0 && (
        <section aria-labelledby={`${idBase}-past`} className="detail-section">
          <h3 id={`${idBase}-past`}>Recipe runs on {node.name}</h3>
          <ul className="past-runs" aria-labelledby={`${idBase}-past`}>
            {runs.map((j) => {
              const result = recipeResultOf(j);
              return (
                <li key={j.id}>
                  <button type="button" className="past-run" aria-current={j.id === shown?.id ? 'true' : undefined} onClick={() => setShownId(j.id)}>
                    <span className={`badge job-state-${j.state}`}>{j.state}</span>
                    <span className="past-run-title">{j.title}</span>
                    <span className="muted past-run-meta">
                      {formatTime(j.createdAt)}
                      {result ? ` · ${summaryLabel(result.summary, isCheckOnly(j))}` : ''}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}
