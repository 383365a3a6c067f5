/**
 * WAI-ARIA tabs (automatic activation): a tablist whose arrow keys, Home and End move focus and
 * selection together; only the selected tab is in the Tab order, so Tab goes from the tab list
 * straight into the panel. Panels are rendered by the caller with `TabPanel`, so a panel can stay
 * mounted (a terminal keeps its session) while another is shown.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem<T extends string> {
  id: T;
  label: string;
}

export const tabId = (base: string, id: string) => `${base}-tab-${id}`;
export const panelId = (base: string, id: string) => `${base}-panel-${id}`;

interface TabListProps<T extends string> {
  /** Accessible name of the tab list, e.g. "Node sections". */
  label: string;
  /** Prefix for the tab and panel ids (unique on the page). */
  idBase: string;
  tabs: readonly TabItem<T>[];
  selected: T;
  onSelect(id: T): void;
}

export function TabList<T extends string>({ label, idBase, tabs, selected, onSelect }: TabListProps<T>) {
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((t) => t.id === selected);
    const last = tabs.length - 1;
    const target = { ArrowRight: index + 1 > last ? 0 : index + 1, ArrowLeft: index - 1 < 0 ? last : index - 1, Home: 0, End: last }[e.key];
    const tab = target === undefined ? undefined : tabs[target];
    if (!tab) return;
    e.preventDefault();
    onSelect(tab.id);
    refs.current.get(tab.id)?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className="tabs" onKeyDown={onKeyDown}>
      {tabs.map((t) => {
        const active = t.id === selected;
        return (
          <button
            key={t.id}
            ref={(el) => {
              if (el) refs.current.set(t.id, el);
              else refs.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={tabId(idBase, t.id)}
            aria-selected={active}
            aria-controls={panelId(idBase, t.id)}
            tabIndex={active ? 0 : -1}
            className="tab"
            onClick={() => onSelect(t.id)}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
}

interface TabPanelProps {
  idBase: string;
  id: string;
  selected: boolean;
  className?: string;
  children: ReactNode;
}

/** A tab's panel; hidden (not unmounted) while another tab is selected. */
export function TabPanel({ idBase, id, selected, className, children }: TabPanelProps) {
  return (
    <div role="tabpanel" id={panelId(idBase, id)} aria-labelledby={tabId(idBase, id)} tabIndex={0} hidden={!selected} className={className ? `tabpanel ${className}` : 'tabpanel'}>
      {children}
    </div>
  );
}
