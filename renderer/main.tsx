/**
 * Start-up. This entry is small on purpose: it opens the connection and asks for the data while
 * the UI chunk (React DOM and the pages) is still downloading and compiling, so the first render
 * of a large inventory waits for the slower of the two, not for both in turn.
 * index.html already shows "Connecting…" until the UI chunk takes over.
 */
import { setRpcClient } from './rpc/api';
import { RpcClient } from './rpc/client';
import { openTransport } from './rpc/transport';
import { startLiveData } from './stores/live';
import './styles.css';

const ui = import('./ui');

async function start(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const result = await openTransport();
    if (result.ok) {
      const client = new RpcClient(result.transport);
      setRpcClient(client);
      startLiveData(client, result.transport);
      (await ui).showApp();
      return;
    }
    if (result.reason === 'unauthorized') {
      (await ui).showTokenRequired();
      return;
    }
    (await ui).showStartupMessage('Cannot reach the Rackpilot server', `${result.message} Is it still running? Trying again…`);
    await new Promise((r) => setTimeout(r, Math.min(8000, 500 * 2 ** attempt)));
  }
}

void start();
