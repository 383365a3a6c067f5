/** Terminal API (being built): interactive shells over the node's pooled SSH connection. */
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { NodesService } from '../nodes/nodes-service';
import type { Handlers } from '../rpc/handlers';
import type { SshService } from '../ssh/ssh-service';

type TerminalMethods = 'terminal.open' | 'terminal.input' | 'terminal.resize' | 'terminal.ack' | 'terminal.close';

export interface TerminalHandlerDeps {
  nodes: NodesService;
  ssh: SshService;
}

export function terminalHandlers(_deps: TerminalHandlerDeps): Pick<Handlers, TerminalMethods> {
  const notYet = (): never => {
    throw new RackpilotError(ErrorCode.Internal, 'Terminals are not built yet.');
  };
  return { 'terminal.open': notYet, 'terminal.input': notYet, 'terminal.resize': notYet, 'terminal.ack': notYet, 'terminal.close': notYet };
}
