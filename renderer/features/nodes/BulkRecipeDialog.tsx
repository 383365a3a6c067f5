/** Run (or only check) a built-in recipe on the selected nodes: one job per node. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { RecipeId } from '../../../shared/domain/recipe';
import { Dialog } from '../../components/Dialog';
import { DialogActions } from '../../components/DialogActions';
import { FormError } from '../../components/FormError';
import { rpc } from '../../rpc/api';
import { formErrorsFromCore } from '../../rpc/form-errors';
import { onJobChanged } from '../../stores/jobs';
import { followRecipeSteps, loadRecipes, useRecipes } from '../../stores/recipes';
import { namesSummary, nodesLabel, type BulkRun, type BulkTarget } from './bulk-run';
import { DEFAULT_RECIPE_FORM, paramFieldOfPath, parseRecipeForm, type ParamErrors, type RecipeFormValues } from './recipe-form';
import { RecipeParamsFields } from './RecipeParamsFields';
import { RecipePicker } from './RecipePicker';

interface Props {
  nodes: BulkTarget[];
  onStarted(run: BulkRun): void;
  onClose(): void;
}

export function BulkRecipeDialog({ nodes, onStarted, onClose }: Props) {
  const recipes = useRecipes((s) => s.recipes);
  const status = useRecipes((s) => s.status);
  const loadError = useRecipes((s) => s.error);
  const [chosen, setChosen] = useState('');
  const [values, setValues] = useState<RecipeFormValues>(DEFAULT_RECIPE_FORM);
  const [errors, setErrors] = useState<ParamErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  useEffect(() => {
    followRecipeSteps();
    void loadRecipes();
  }, []);

  const recipe = recipes.find((r) => r.id === chosen) ?? recipes[0];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setGeneral(null);
    if (!recipe) return;
    const { params, errors: local } = parseRecipeForm(values);
    setErrors(local);
    if (!params) return;
    setBusy(true);
    try {
      const jobs = await rpc().call('nodes.runRecipe', { ids: nodes.map((n) => n.id), recipe: recipe.id as RecipeId, params, checkOnly: values.checkOnly });
      jobs.forEach(onJobChanged);
      const names = new Map(nodes.map((n) => [n.id, n.name]));
      onStarted({
        kind: 'recipe',
        recipe,
        checkOnly: values.checkOnly,
        runs: jobs.map((j) => ({ nodeId: j.nodeId ?? '', name: names.get(j.nodeId ?? '') ?? j.title, jobId: j.id })),
      });
      onClose();
    } catch (err) {
      const found = formErrorsFromCore(err, paramFieldOfPath);
      setErrors(found.fields);
      setGeneral(found.general);
      setBusy(false);
    }
  };

  const verb = values.checkOnly ? 'Check' : 'Run on';
  return (
    <Dialog title="Run a recipe" onClose={onClose} describedBy={`${id}-on`} className="dialog-form">
      <form onSubmit={submit} noValidate>
        <p id={`${id}-on`}>
          On {nodesLabel(nodes.length)}: <span className="muted">{namesSummary(nodes)}</span>
        </p>
        <FormError message={general} />
        <FormError message={status === 'error' ? `Could not load the recipes: ${loadError}` : null} />
        {status === 'ready' && recipes.length === 0 && <p className="muted">The Rackpilot core offers no recipes yet.</p>}
        {status !== 'ready' && status !== 'error' && (
          <p className="muted" role="status">
            Loading recipes…
          </p>
        )}
        {recipe && (
          <>
            <RecipePicker idBase={id} recipes={recipes} chosen={recipe.id} onChoose={setChosen} />
            <RecipeParamsFields
              idBase={id}
              recipe={recipe.id}
              values={values}
              errors={errors}
              onChange={(v, cleared) => {
                setValues(v);
                if (cleared && errors[cleared]) setErrors(({ [cleared]: _gone, ...rest }) => rest);
              }}
            />
          </>
        )}
        <DialogActions onCancel={onClose}>
          <button type="submit" className="btn btn-primary" disabled={busy || !recipe}>
            {busy ? 'Starting…' : `${verb} ${nodesLabel(nodes.length)}`}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
