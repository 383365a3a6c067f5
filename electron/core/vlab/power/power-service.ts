/** nodes.power and nodes.powerStatus: find the node's driver, act, report the power state after. */
import type { Node } from '../../../../shared/domain/node';
import { VlabErrorCode, type PowerAction, type PowerStatus } from '../../../../shared/domain/vlab';
import { RackpilotError } from '../../../../shared/errors';
import type { NodesService } from '../../nodes/nodes-service';
import type { PowerDriver } from './driver';

export class PowerService {
  constructor(
    private readonly nodes: NodesService,
    private readonly drivers: readonly PowerDriver[],
  ) {}

  status(nodeId: string): PowerStatus {
    const node = this.nodes.get(nodeId);
    const driver = this.driverFor(node);
    if (!driver) return { nodeId, driver: null, power: 'unknown', actions: [] };
    return { nodeId, driver: driver.name, power: driver.power(node), actions: driver.actions(node) };
  }

  async act(nodeId: string, action: PowerAction): Promise<PowerStatus> {
    const node = this.nodes.get(nodeId);
    const driver = this.driverFor(node);
    if (!driver) {
      throw new RackpilotError(
        VlabErrorCode.PowerUnsupported,
        `Rackpilot cannot switch ${node.name} on or off: it is not a virtual node, and power control of real machines (IPMI, Redfish) is not available yet. Use its power button.`,
      );
    }
    if (!driver.actions(node).includes(action)) {
      throw new RackpilotError(VlabErrorCode.PowerUnsupported, `The ${driver.name} power driver cannot ${action} ${node.name}.`);
    }
    await driver.act(node, action);
    return this.status(nodeId);
  }

  private driverFor(node: Node): PowerDriver | undefined {
    return this.drivers.find((d) => d.handles(node));
  }
}
