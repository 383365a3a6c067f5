/**
 * The `stacks.*` methods. Thin: inputs arrive validated by the contract's schemas; the service
 * does the work. `stacks.logs` is long-lived: its progress frames carry batches of log lines
 * until the caller cancels (or, without follow, until the tails are read).
 */
import type { Handlers } from '../rpc/handlers';
import type { StacksService } from './stacks-service';

type StackMethods = Extract<keyof Handlers, `stacks.${string}`>;

export function stackHandlers(stacks: StacksService): Pick<Handlers, StackMethods> {
  return {
    'stacks.list': ({ nodeId }, { signal }) => stacks.list(nodeId, signal),
    'stacks.engine': ({ nodeId }, { signal }) => stacks.engine(nodeId, signal),
    'stacks.get': ({ nodeId, name }, { signal }) => stacks.get(nodeId, name, signal),
    'stacks.save': ({ nodeId, name, files }, { signal }) => stacks.save(nodeId, name, files, signal),
    'stacks.validate': ({ name, files }) => stacks.validate(name, files),
    'stacks.plan': ({ nodeId, name, version }, { signal }) => stacks.plan(nodeId, name, version, signal),
    'stacks.apply': (input) => stacks.apply(input),
    'stacks.down': (input) => stacks.down(input),
    'stacks.service': ({ nodeId, name, service, action }, { signal }) => stacks.service(nodeId, name, service, action, signal),
    'stacks.logs': ({ nodeId, name, service, tail, timestamps, follow }, { signal, progress }) =>
      stacks.logs(nodeId, name, { ...(service ? { service } : {}), tail, timestamps, follow }, progress, signal),
    'stacks.stats': ({ nodeId, name }, { signal }) => stacks.stats(nodeId, name, signal),
    'stacks.templates': () => stacks.templates(),
    'stacks.createFromTemplate': ({ nodeId, name, templateId, values }, { signal }) => stacks.createFromTemplate(nodeId, name, templateId, values, signal),
    'stacks.remove': ({ nodeId, name, confirmName }) => stacks.remove(nodeId, name, confirmName),
  };
}
