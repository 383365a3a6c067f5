/**
 * The `qemu` power driver: virtual nodes of the practice rack, through QMP.
 * off is the plug (like a BMC's `power off`); reset the reset button. pxe-once: a virtual node
 * always tries the network first (its NIC has bootindex 1) and Rackpilot's netboot flag decides
 * install or local boot, so booting from the network once is simply a power-on or a reset.
 */
import type { Node } from '../../../../shared/domain/node';
import type { PowerAction, PowerStatus } from '../../../../shared/domain/vlab';
import { ErrorCode, RackpilotError } from '../../../../shared/errors';
import type { VlabService } from '../vlab-service';
import type { PowerDriver } from './driver';

export class QemuPowerDriver implements PowerDriver {
  readonly name = 'qemu' as const;

  constructor(private readonly vlab: VlabService) {}

  handles(node: Node): boolean {
    return this.vlab.forNode(node.id, node.mac) !== undefined;
  }

  power(node: Node): PowerStatus['power'] {
    const vm = this.vlab.forNode(node.id, node.mac);
    if (!vm) return 'unknown';
    return this.vlab.isRunning(vm.id) ? 'on' : 'off';
  }

  actions(): PowerAction[] {
    return ['on', 'off', 'reset', 'pxe-once'];
  }

  async act(node: Node, action: PowerAction): Promise<void> {
    const vm = this.vlab.forNode(node.id, node.mac);
    if (!vm) throw new RackpilotError(ErrorCode.NotFound, `${node.name} has no virtual machine any more (it was destroyed).`);
    const on = this.vlab.isRunning(vm.id);
    switch (action) {
      case 'on':
        await this.vlab.start(vm.id);
        return;
      case 'off':
        await this.vlab.stop(vm.id, true);
        return;
      case 'reset':
        if (!on) throw new RackpilotError(ErrorCode.Conflict, `${node.name} is off, so it cannot be reset. Power it on instead.`);
        await this.vlab.reset(vm.id);
        return;
      case 'pxe-once':
        await (on ? this.vlab.reset(vm.id) : this.vlab.start(vm.id));
        return;
    }
  }
}
