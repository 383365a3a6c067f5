/** One step of the schema: moves the database from version-1 to version. Never edited once shipped. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}
