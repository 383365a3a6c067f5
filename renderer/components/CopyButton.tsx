/** A Copy button that says, politely and briefly, whether the copy worked. */
import { useEffect, useState } from 'react';
import { copyText } from './clipboard';

interface CopyButtonProps {
  text: string;
  /** Accessible name, e.g. "Copy Rackpilot's public key"; the visible label stays "Copy". */
  label: string;
  /** A small button (beside text) or a regular one (in a dialog's footer). Default small. */
  small?: boolean;
}

export function CopyButton({ text, label, small = true }: CopyButtonProps) {
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  useEffect(() => {
    if (outcome !== 'copied') return;
    const timer = setTimeout(() => setOutcome(null), 2500);
    return () => clearTimeout(timer);
  }, [outcome]);
  return (
    <span className="copy">
      <button type="button" className={small ? 'btn btn-small' : 'btn'} aria-label={label} onClick={async () => setOutcome((await copyText(text)) ? 'copied' : 'failed')}>
        Copy
      </button>
      <span className={`copy-status${outcome === 'failed' ? ' copy-failed' : ''}`} role="status">
        {outcome === 'copied' ? 'Copied' : outcome === 'failed' ? 'Could not copy: select the text and press Ctrl+C' : ''}
      </span>
    </span>
  );
}
