/**
 * Collects pushed events and hands them over in batches. An import of 2,000 nodes arrives as
 * 2,000 `nodes.changed` frames; applying them one by one would re-render the table 2,000 times.
 * While `hold()` is in effect (a list is loading), events wait, and are applied after the list.
 */
export interface Coalescer<T> {
  push(item: T): void;
  hold(): void;
  release(): void;
}

export function coalesce<T>(apply: (items: T[]) => void, delayMs = 25): Coalescer<T> {
  let queue: T[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let held = false;
  const flush = () => {
    timer = null;
    if (held || queue.length === 0) return;
    const items = queue;
    queue = [];
    apply(items);
  };
  return {
    push(item) {
      queue.push(item);
      if (!held && timer === null) timer = setTimeout(flush, delayMs);
    },
    hold() {
      held = true;
    },
    release() {
      held = false;
      flush();
    },
  };
}
