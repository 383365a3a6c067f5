/** An interactive shell to a node (being built: xterm.js over `terminal.open`). */
export interface TerminalViewProps {
  nodeId: string;
  /** Called when the shell ends or the user closes it. */
  onClosed?: () => void;
}

export function TerminalView(_props: TerminalViewProps) {
  return <p>Terminal coming.</p>;
}
