/**
 * A power driver switches one kind of machine on and off: `qemu` for virtual nodes (QMP) today;
 * IPMI, Redfish and wake-on-LAN for real hardware later. The inventory does not store which
 * driver a node has: the first driver that recognises the node (a virtual node by its MAC, a node
 * with BMC credentials, …) controls it, so a node never points at a driver that no longer fits.
 */
import type { Node } from '../../../../shared/domain/node';
import type { PowerAction, PowerDriverName, PowerStatus } from '../../../../shared/domain/vlab';

export interface PowerDriver {
  readonly name: PowerDriverName;
  /** Whether this driver controls the node's power. */
  handles(node: Node): boolean;
  power(node: Node): PowerStatus['power'];
  actions(node: Node): PowerAction[];
  /** Resolves when the action took effect (on: the machine runs; off: it is off). */
  act(node: Node, action: PowerAction): Promise<void>;
}
