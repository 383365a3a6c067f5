/**
 * The `labs.*` methods. Thin: inputs arrive validated by the contract's schemas; the labs service
 * does the work. `labs.start` streams what it does to each node as progress lines.
 */
import type { Handlers } from '../rpc/handlers';
import type { LabsService } from './labs-service';

type LabMethods = Extract<keyof Handlers, `labs.${string}`>;

export function labHandlers(labs: LabsService): Pick<Handlers, LabMethods> {
  return {
    'labs.list': () => labs.list(),
    'labs.get': ({ labId }) => labs.get(labId),
    'labs.start': ({ labId, nodes }, { progress, signal }) => labs.start(labId, nodes, progress, signal),
    'labs.startPractice': ({ labId }) => labs.startPractice(labId),
    'labs.check': ({ labId, step, auto }, { signal }) => labs.check(labId, step, signal, auto),
    'labs.goto': ({ labId, step }, { signal }) => labs.goto(labId, step, signal),
    'labs.solution': ({ labId, step }) => labs.solution(labId, step),
    'labs.reset': ({ labId, confirmName }) => labs.reset(labId, confirmName),
    'labs.stop': ({ labId }) => labs.stop(labId),
  };
}
