/**
 * The open terminals, by id. Ids are random UUIDs: a client can only address a terminal it was
 * told about. Opening counts against the caps from the moment it starts (the channel may wait
 * for a session slot), so a burst of opens cannot overshoot them.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, RackpilotError } from '../../../shared/errors';
import type { TerminalSession } from './terminal-session';

/** Open terminals across all nodes: each holds an SSH channel and up to ~2 MiB of unread output. */
export const MAX_TERMINALS = 32;

/** A terminal being opened: its id, and the way to give its place back. */
export interface TerminalReservation {
  id: string;
  /** Registers the opened session; it leaves the registry when its channel closes. */
  attach(session: TerminalSession): void;
  /** Opening failed or was cancelled. */
  release(): void;
}

export class TerminalRegistry {
  private readonly sessions = new Map<string, TerminalSession | null>();
  private readonly perNode = new Map<string, number>();

  constructor(private readonly max = MAX_TERMINALS) {}

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Holds a place for a new terminal on a node. `nodeMax` keeps some of the node's SSH session
   * slots free for commands: every terminal holds one slot for as long as it is open.
   */
  reserve(nodeId: string, nodeName: string, nodeMax: number): TerminalReservation {
    if (this.sessions.size >= this.max) {
      throw new RackpilotError(ErrorCode.TooLarge, `${this.max} terminals are open already, the most Rackpilot allows. Close one and try again.`);
    }
    const onNode = this.perNode.get(nodeId) ?? 0;
    if (onNode >= nodeMax) {
      throw new RackpilotError(
        ErrorCode.TooLarge,
        `${onNode} terminals to ${nodeName} are open already, the most its SSH session limit leaves room for (commands need the rest). Close one and try again.`,
      );
    }
    const id = randomUUID();
    this.sessions.set(id, null);
    this.perNode.set(nodeId, onNode + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.sessions.delete(id);
      const left = (this.perNode.get(nodeId) ?? 1) - 1;
      if (left > 0) this.perNode.set(nodeId, left);
      else this.perNode.delete(nodeId);
    };
    return {
      id,
      release,
      attach: (session) => {
        this.sessions.set(id, session);
        void session.ended.then(release);
      },
    };
  }

  /** The open terminal with this id, or E_NOT_FOUND. */
  get(id: string): TerminalSession {
    const session = this.sessions.get(id);
    if (!session) {
      throw new RackpilotError(ErrorCode.NotFound, `No open terminal with id ${id}: it has closed (or never opened). Open a new terminal.`);
    }
    return session;
  }
}
