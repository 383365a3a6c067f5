/**
 * Facts that must differ between the cluster's machines (kubeadm's docs: "unique hostname, MAC
 * address, and product_uuid for every node"). Clones of one VM image share them, and Kubernetes
 * components (and some CNIs) tell nodes apart by them. One check per node, about that node.
 */
import type { PreflightCheck } from '../../../../shared/domain/cluster-record';
import { kubernetesNodeName } from '../../../../shared/domain/cluster';
import { check, listing, type PreflightNode } from './check';
import type { NetInterface, NodeFacts } from './facts';

export interface GatheredNode {
  node: PreflightNode;
  facts: NodeFacts;
  /** False when sudo failed: the root-only facts (product_uuid) are missing for that reason. */
  root: boolean;
}

const ARPHRD_ETHER = 1;

function others<T>(all: readonly GatheredNode[], self: GatheredNode, key: (g: GatheredNode) => T | null): GatheredNode[] {
  const mine = key(self);
  return mine === null ? [] : all.filter((g) => g !== self && key(g) === mine);
}

export function checkHostnameUnique(all: readonly GatheredNode[]): PreflightCheck[] {
  const key = (g: GatheredNode) => g.facts.hostname?.toLowerCase() ?? null;
  return all.flatMap((g) => {
    const host = key(g);
    if (host === null) return [];
    const same = others(all, g, key);
    const title = 'Unique hostname';
    if (same.length === 0) return [check('hostname-unique', g.node.id, title, 'pass', `No other node is called ${host}`)];
    return [check('hostname-unique', g.node.id, title, 'fail',
      `${listing(same.map((o) => o.node.name))} ${same.length === 1 ? 'has' : 'have'} the same hostname "${host}" (cloned machines?)`,
      `Give every node its own hostname: sudo hostnamectl set-hostname ${kubernetesNodeName(g.node.name)}`)];
  });
}

/** Interfaces whose MAC identifies the machine: Ethernet, with a real (non-zero) address. */
function identifying(facts: NodeFacts): NetInterface[] {
  return facts.interfaces.filter((i) => i.type === ARPHRD_ETHER && !/^(00:){5}00$/.test(i.mac) && !/^(ff:){5}ff$/.test(i.mac));
}

/** The NIC that carries the node's address, or a physical one: a clash there breaks networking. */
function isPrimary(i: NetInterface, node: PreflightNode): boolean {
  return i.physical || i.addresses.includes(node.address);
}

export function checkMacUnique(all: readonly GatheredNode[]): PreflightCheck[] {
  const title = 'Unique MAC addresses';
  return all.map((g) => {
    const mine = identifying(g.facts);
    if (mine.length === 0) return check('mac-unique', g.node.id, title, 'warn', 'No Ethernet interface with a MAC address was found', 'Check the node\'s network interfaces: ip link');
    const clashes: { iface: NetInterface; other: GatheredNode; otherIface: NetInterface }[] = [];
    for (const iface of mine) {
      for (const other of all) {
        if (other === g) continue;
        for (const otherIface of identifying(other.facts)) if (otherIface.mac === iface.mac) clashes.push({ iface, other, otherIface });
      }
    }
    if (clashes.length === 0) return check('mac-unique', g.node.id, title, 'pass', `${mine.length} interface${mine.length === 1 ? '' : 's'}, no MAC shared with another node`);
    const text = clashes.map((c) => `${c.iface.mac} (${c.iface.name}) is also ${c.other.node.name}'s ${c.otherIface.name}`).join('; ');
    const serious = clashes.some((c) => isPrimary(c.iface, g.node) || isPrimary(c.otherIface, c.other.node));
    const fix = 'Give each machine its own MAC: for VMs cloned from one image, generate new MAC addresses in the hypervisor (libvirt: remove the <mac> line with virsh edit; VirtualBox: "Generate new MAC addresses"; Proxmox: delete the net device\'s MAC), then reboot.';
    if (serious) return check('mac-unique', g.node.id, title, 'fail', `${text}: machines with the same MAC on one network cannot both be reached`, fix);
    return check('mac-unique', g.node.id, title, 'warn', `${text} (virtual interfaces; harmless unless they carry cluster traffic)`,
      'If these interfaces are meant to carry cluster traffic, give them distinct MACs; otherwise nothing to do.');
  });
}

export function checkProductUuidUnique(all: readonly GatheredNode[]): PreflightCheck[] {
  const title = 'Unique product_uuid';
  const key = (g: GatheredNode) => g.facts.productUuid;
  return all.map((g) => {
    const uuid = key(g);
    if (uuid === null) {
      const why = g.root ? (g.facts.productUuidError ?? '/sys/class/dmi/id/product_uuid is missing') : 'reading it needs root, and sudo did not work';
      return check('product-uuid-unique', g.node.id, title, 'warn', `Not checked: ${why}`,
        g.root ? 'Some boards have no DMI data; compare sudo cat /sys/class/dmi/id/product_uuid across your nodes by hand.' : 'Fix passwordless sudo (see that check), then run preflight again.');
    }
    const same = others(all, g, key);
    if (same.length === 0) return check('product-uuid-unique', g.node.id, title, 'pass', uuid);
    return check('product-uuid-unique', g.node.id, title, 'fail',
      `${uuid} is also the product_uuid of ${listing(same.map((o) => o.node.name))}: the machines were probably cloned from one VM, and Kubernetes may mistake one for the other`,
      'Give each VM its own UUID, then reboot it: libvirt: virsh edit <vm> and delete the <uuid> line (a new one is made); Proxmox: qm set <vmid> --smbios1 uuid=$(uuidgen); VirtualBox: VBoxManage modifyvm <vm> --hardwareuuid $(uuidgen).');
  });
}
