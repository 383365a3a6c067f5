/** Start-up: pick a transport, check the token, then render the app (or say what is wrong). */
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { App } from './App';
import { RpcClient } from './rpc/client';
import { setRpcClient } from './rpc/api';
import { openTransport } from './rpc/transport';
import { startLiveData } from './stores/live';
import { StartupMessage, TokenRequired } from './StartupMessages';
import './styles.css';

async function start(root: Root): Promise<void> {
  root.render(<StartupMessage title="Connecting to Rackpilot…" />);
  for (let attempt = 0; ; attempt++) {
    const result = await openTransport();
    if (result.ok) {
      const client = new RpcClient(result.transport);
      setRpcClient(client);
      startLiveData(client, result.transport);
      root.render(
        <StrictMode>
          <App />
        </StrictMode>,
      );
      return;
    }
    if (result.reason === 'unauthorized') {
      root.render(<TokenRequired />);
      return;
    }
    root.render(
      <StartupMessage
        title="Cannot reach the Rackpilot server"
        detail={`${result.message} Is it still running? Trying again…`}
      />,
    );
    await new Promise((r) => setTimeout(r, Math.min(8000, 500 * 2 ** attempt)));
  }
}

const container = document.getElementById('root');
if (container) void start(createRoot(container));
