/** The per-stack variables editor: rows of name/value, to and from the contract's record (pure). */

export interface VariableRow {
  /** Stable key for React while names are being typed. */
  key: number;
  name: string;
  value: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function rowsFromVariables(variables: Record<string, string>, nextKey: () => number): VariableRow[] {
  return Object.entries(variables).map(([name, value]) => ({ key: nextKey(), name, value }));
}

/** The record to save, or per-row errors (bad or repeated names); blank rows are dropped. */
export function variablesFromRows(rows: readonly VariableRow[]): { variables: Record<string, string> } | { errors: Record<number, string> } {
  const variables: Record<string, string> = {};
  const errors: Record<number, string> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (!name && !row.value) continue;
    if (!NAME.test(name)) errors[row.key] = 'A variable name is letters, digits and "_", not starting with a digit';
    else if (Object.prototype.hasOwnProperty.call(variables, name)) errors[row.key] = `${name} is set twice: remove one`;
    else variables[name] = row.value;
  }
  return Object.keys(errors).length > 0 ? { errors } : { variables };
}
