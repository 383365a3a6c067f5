/** `node-state`: the node's lifecycle state in Rackpilot's inventory (installed, ready…). */
import { CannotRun, type CheckKind } from './check-kit';

export const nodeStateCheck: CheckKind<'node-state'> = {
  ran: (c, target) => `Rackpilot's inventory state of ${target.nodes[c.node]?.name ?? `‹${c.node}›`}`,

  // The state comes with the node: nothing to reach, so no address is needed.
  judge(c, { target }) {
    const node = target.nodes[c.node];
    if (!node) return Promise.reject(new CannotRun(`No node is assigned to the role "${c.node}" in this lab run.`, 'Stop the lab and start it again, picking a node for every role.'));
    const pass = c.state.includes(node.state);
    return Promise.resolve({ pass, saw: `${node.name} is ${node.state}${pass ? '' : ` (expected ${c.state.join(' or ')})`}.` });
  },
};
