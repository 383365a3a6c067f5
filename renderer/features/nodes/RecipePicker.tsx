/** Choosing a built-in recipe: each with its description, and the chosen one's steps. */
import type { RecipeInfo } from '../../../shared/domain/recipe';

interface Props {
  idBase: string;
  recipes: readonly RecipeInfo[];
  chosen: string;
  onChoose(id: string): void;
}

export function RecipePicker({ idBase, recipes, chosen, onChoose }: Props) {
  const info = recipes.find((r) => r.id === chosen);
  return (
    <fieldset className="recipe-picker">
      <legend>Recipe</legend>
      <div className="recipe-choices">
        {recipes.map((r) => (
          <label key={r.id} className="radio-card" htmlFor={`${idBase}-recipe-${r.id}`}>
            <input id={`${idBase}-recipe-${r.id}`} type="radio" name={`${idBase}-recipe`} value={r.id} checked={r.id === chosen} onChange={() => onChoose(r.id)} />
            <span>
              <strong>{r.title}</strong>
              <span className="recipe-description muted">{r.description}</span>
            </span>
          </label>
        ))}
      </div>
      {info && (
        <details className="recipe-steps-preview">
          <summary>
            Steps of {info.title} ({info.steps.length})
          </summary>
          <ol>
            {info.steps.map((s) => (
              <li key={s.id}>{s.title}</li>
            ))}
          </ol>
        </details>
      )}
    </fieldset>
  );
}
