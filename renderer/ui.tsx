/** The UI chunk: React DOM and the pages, loaded in parallel with the first data (see main.tsx). */
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { App } from './App';
import { StartupMessage, TokenRequired } from './StartupMessages';

let root: Root | null = null;

function render(node: React.ReactNode): void {
  const container = document.getElementById('root');
  if (!container) return;
  root ??= createRoot(container);
  root.render(node);
}

export function showApp(): void {
  render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

export function showTokenRequired(): void {
  render(<TokenRequired />);
}

export function showStartupMessage(title: string, detail?: string): void {
  render(<StartupMessage title={title} detail={detail} />);
}
