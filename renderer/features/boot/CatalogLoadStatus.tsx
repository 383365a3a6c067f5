/**
 * Above a catalog table (profiles, assets): why it could not load, with Try again, or that it is
 * still loading. Once something is listed, a reload in the background shows nothing here.
 */
interface Props {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** Whether the table already has rows. */
  listed: boolean;
  /** "Could not load the boot profiles" */
  failedText: string;
  /** "Loading profiles…" */
  loadingText: string;
  onRetry: () => void;
}

export function CatalogLoadStatus({ status, error, listed, failedText, loadingText, onRetry }: Props) {
  if (status === 'error') {
    return (
      <div className="notice notice-error" role="alert">
        {failedText}: {error}
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if ((status === 'loading' || status === 'idle') && !listed) {
    return (
      <p className="muted" role="status">
        {loadingText}
      </p>
    );
  }
  return null;
}
