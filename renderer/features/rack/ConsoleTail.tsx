/**
 * The last lines of a virtual node's serial console, polled about once a second while the node is
 * on (once more after it stops, for its last words). Escapes stripped; not a live region: a boot
 * prints far too much to be read aloud.
 */
import { useEffect, useRef, useState } from 'react';
import type { VirtualNode } from '../../../shared/domain/vlab';
import { errorMessage, rpc } from '../../rpc/api';
import { consoleTail } from './console-text';

const POLL_MS = 1000;
const TAIL_BYTES = 32 * 1024;
const MAX_LINES = 200;

export function ConsoleTail({ vm }: { vm: VirtualNode }) {
  const [text, setText] = useState<string | null>(null);
  const [cut, setCut] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const preRef = useRef<HTMLPreElement>(null);
  const live = vm.state === 'starting' || vm.state === 'running' || vm.state === 'stopping';

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const tail = await rpc().call('vlab.console', { id: vm.id, tailBytes: TAIL_BYTES });
        if (stopped) return;
        const shown = consoleTail(tail.text, tail.truncated, MAX_LINES);
        setText(shown.text);
        setCut(shown.cut);
        setError(null);
      } catch (err) {
        if (!stopped) setError(errorMessage(err));
      }
      if (!stopped && live) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [vm.id, live]);

  // Follow the end like a terminal, unless the reader scrolled up to look at something.
  const atEnd = useRef(true);
  useEffect(() => {
    const pre = preRef.current;
    if (pre && atEnd.current) pre.scrollTop = pre.scrollHeight;
  }, [text]);

  return (
    <section aria-labelledby={`console-title-${vm.id}`} className="rack-console">
      <h3 id={`console-title-${vm.id}`}>Serial console</h3>
      {error && (
        <div className="notice notice-error" role="alert">
          Could not read the console: {error}
        </div>
      )}
      {cut && <p className="muted rack-console-note">The last {MAX_LINES} lines at most; older output is in the node’s console log.</p>}
      <pre
        ref={preRef}
        className="job-log rack-console-text"
        role="log"
        aria-live="off"
        aria-label={`Serial console of ${vm.name}`}
        tabIndex={0}
        data-testid="vm-console"
        onScroll={(e) => {
          const el = e.currentTarget;
          atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {text === null ? 'Reading the console…' : text || (live ? 'Nothing on the console yet…' : 'The console is empty: start the node to see it boot.')}
      </pre>
    </section>
  );
}
