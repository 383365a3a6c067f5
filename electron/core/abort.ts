/** The error an aborted operation rejects with; recognised by isAbortError in rpc/errors. */
export function abortError(): Error {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}
