/**
 * Terminal API: interactive shells over the node's pooled SSH connection. `terminal.open` lives as
 * long as the shell: its progress frames carry the id and then the output, only to the client
 * that opened it, and cancelling it (or that client disconnecting) closes the channel.
 */
import type { ClientChannel } from 'ssh2';
import type { TerminalClosed } from '../../../shared/domain/terminal';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { NodesService } from '../nodes/nodes-service';
import type { Handler, Handlers } from '../rpc/handlers';
import type { SshService } from '../ssh/ssh-service';
import { targetFromNode } from '../ssh/target';
import { TerminalRegistry } from './terminal-registry';
import { TerminalSession } from './terminal-session';

type TerminalMethods = 'terminal.open' | 'terminal.input' | 'terminal.resize' | 'terminal.ack' | 'terminal.close';

export interface TerminalHandlerDeps {
  nodes: NodesService;
  ssh: SshService;
}

/** What xterm.js emulates; the node's programs pick their escape sequences by it. */
const TERM = 'xterm-256color';
/** Session slots per node that terminals leave to commands, facts and transfers. */
const SLOTS_FOR_COMMANDS = 2;

export function terminalHandlers({ nodes, ssh }: TerminalHandlerDeps): Pick<Handlers, TerminalMethods> {
  const terminals = new TerminalRegistry();

  const open: Handler<'terminal.open'> = async ({ nodeId, cols, rows }, { signal, progress }): Promise<TerminalClosed> => {
    const node = nodes.get(nodeId);
    if (node.address === '') {
      throw new RackpilotError(ErrorCode.Validation, `Node ${node.name} has no address yet. Edit the node and enter its IP address or host name.`);
    }
    const target = targetFromNode(node);
    const slots = ssh.pool.connection(target).sessions.capacity;
    const place = terminals.reserve(node.id, node.name, Math.max(1, slots - SLOTS_FOR_COMMANDS));
    let channel: ClientChannel;
    try {
      channel = await ssh.shell(target, { rows, cols, term: TERM }, signal);
    } catch (err) {
      place.release();
      throw err;
    }
    const session = new TerminalSession(place.id, node.id, node.name, channel, (data) => progress({ kind: 'data', data }));
    place.attach(session);
    // The id goes out before any output, so the client can ack and type from the first frame.
    progress({ kind: 'opened', terminalId: place.id });
    session.start();
    const onAbort = () => session.close();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await session.ended;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };

  return {
    'terminal.open': open,
    'terminal.input': ({ terminalId, data }) => {
      terminals.get(terminalId).input(data);
      return null;
    },
    'terminal.resize': ({ terminalId, cols, rows }) => {
      terminals.get(terminalId).resize(rows, cols);
      return null;
    },
    'terminal.ack': ({ terminalId, chars }) => {
      terminals.get(terminalId).ack(chars);
      return null;
    },
    // Answers once the channel has closed, so "closed" means the shell is gone.
    'terminal.close': async ({ terminalId }) => {
      const session = terminals.get(terminalId);
      session.close();
      await session.ended;
      return null;
    },
  };
}
