/** The shape every service's handlers take; the composition root assembles one full set. */
import type {
  MethodName,
  MethodOutput,
  MethodParsedInput,
  MethodProgress,
} from '../../../shared/contract';

export interface HandlerContext<M extends MethodName> {
  /** Aborted when the client cancels the request or disconnects. */
  signal: AbortSignal;
  /** Sends a `progress` frame to the caller. */
  progress: (p: MethodProgress<M>) => void;
}

export type Handler<M extends MethodName> = (
  input: MethodParsedInput<M>,
  ctx: HandlerContext<M>,
) => Promise<MethodOutput<M>> | MethodOutput<M>;

export type Handlers = { [M in MethodName]: Handler<M> };
