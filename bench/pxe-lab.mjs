/**
 * The PXE benchmark's lab: a network namespace with a bridge (made by the outer process, as root)
 * and, inside it, one QEMU virtual node per boot on its own tap, its serial console read line by
 * line with the time each milestone showed up. Both sides of the benchmark boot through this same
 * code, so the VM and the console instrument are identical; only the servers on br0 differ.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { terminate } from './lib.mjs';

export const SUBNET = { server: '10.79.0.1', cidr: '10.79.0.1/24', mask: '255.255.255.0', poolStart: '10.79.0.100', poolEnd: '10.79.0.199' };
export const BRIDGE = 'br0';

function ip(args, input) {
  const r = spawnSync('ip', args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return r.stdout;
}

/**
 * `rpbench-pxe-<pid>`: lo up, br0 with 10.79.0.1/24, and a veth pair whose one end is a port of
 * br0, so the bridge has carrier (and the servers' sockets a live interface) before any VM runs.
 * Removed by destroy(), which first ends every process still inside (all started by this bench).
 */
export function createLabNamespace() {
  const ns = `rpbench-pxe-${process.pid}`;
  removeLeftovers();
  const destroy = () => removeNamespace(ns);
  const cleanup = () => {
    destroy();
    for (const ev of ['exit', 'SIGINT', 'SIGTERM']) process.off(ev, destroy);
  };
  process.on('exit', destroy);
  // Before lib.mjs's handlers remove the temp dirs and exit: nothing inside may still write there.
  process.prependListener('SIGINT', destroy);
  process.prependListener('SIGTERM', destroy);
  try {
    ip(['netns', 'add', ns]);
    const batch = [
      'link set lo up',
      `link add ${BRIDGE} type bridge`,
      `addr add ${SUBNET.cidr} dev ${BRIDGE}`,
      'link add rpbv0 type veth peer name rpbv1',
      `link set rpbv0 master ${BRIDGE}`,
      'link set rpbv0 up',
      'link set rpbv1 up',
      `link set ${BRIDGE} up`,
    ];
    ip(['-n', ns, '-batch', '-'], `${batch.join('\n')}\n`);
  } catch (err) {
    cleanup();
    throw err;
  }
  return { ns, destroy: cleanup };
}

/** Ends every process inside the namespace (all started by this benchmark), then deletes it. */
function removeNamespace(ns) {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean) ?? [];
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
}

/** Namespaces of earlier runs of this benchmark whose process is gone (killed with SIGKILL). */
function removeLeftovers() {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const m of list.matchAll(/^rpbench-pxe-(\d+)\b/gm)) {
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch (err) {
      alive = err.code === 'EPERM';
    }
    if (!alive || Number(m[1]) === process.pid) removeNamespace(m[0]);
  }
}

/**
 * What the console shows on the way, in order; the first match of each is timed. The same
 * patterns serve both sides: the firmware, iPXE and kernel print the same text whoever serves.
 */
export const CONSOLE_MILESTONES = [
  // iPXE prints a dot a second while it configures net0: DHCPv4 and IPv6 autoconfiguration.
  { key: 'dhcp', label: 'iPXE configured net0 (DHCP)', re: /Configuring \(net0[^)]*\)[ .]*ok/ },
  { key: 'script', label: 'boot script fetched by iPXE', re: /boot\.ipxe[^\n]*\.\.\. ok/ },
  { key: 'initrd', label: 'kernel and initrd loaded by iPXE', re: /initrd\.img\.\.\.[^\n]*ok/ },
  // live-boot loads the squashfs module when it mounts the image it has just downloaded.
  { key: 'squashfs', label: 'squashfs mounted (live-boot)', re: /squashfs: version \d/ },
  { key: 'systemd', label: 'systemd starts (root switched)', re: /systemd\[1\]: systemd \d[^\n]*running in system mode/ },
  // cloud-init writes to /dev/console (tty0, the last console=): its stages do not show on
  // ttyS0, but serial-getty's prompt does, about when cloud-init's network stages run.
  { key: 'login', label: 'login prompt on the serial console', re: /login: / },
];

/**
 * Boots one virtual node: a fresh tap on br0 and a fresh empty qcow2 disk, with the options
 * Rackpilot's own bridged BIOS nodes use (electron/core/vlab/qemu-args.ts): SeaBIOS, QEMU's iPXE
 * ROM on virtio-net (NIC first, then the disk, nothing else), q35 with graphics off so firmware
 * and iPXE print on the serial port, TCG. Returns when QEMU has been spawned: `poweredOnAt` is
 * Date.now() just before the spawn.
 */
export function bootVm({ dir, label, mac, tap, memoryMb, cpus }) {
  ip(['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
  ip(['link', 'set', tap, 'master', BRIDGE]);
  ip(['link', 'set', tap, 'up']);
  const disk = join(dir, `${label}.qcow2`);
  const img = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '4G'], { encoding: 'utf8' });
  if (img.status !== 0) throw new Error(`qemu-img create failed: ${img.stderr}`);
  const args = [
    '-name', `rpbench-pxe-${label}`,
    '-nodefaults', '-no-user-config',
    '-machine', 'q35,graphics=off',
    '-accel', 'tcg',
    '-m', String(memoryMb),
    '-smp', String(cpus),
    '-display', 'none',
    '-serial', 'stdio',
    '-boot', 'strict=on',
    '-drive', `if=none,id=disk0,file=${disk},format=qcow2,discard=unmap`,
    '-device', 'virtio-blk-pci,drive=disk0,bootindex=2',
    '-netdev', `tap,id=boot,ifname=${tap},script=no,downscript=no`,
    '-device', `virtio-net-pci,netdev=boot,mac=${mac},bootindex=1`,
  ];
  const logPath = join(dir, `${label}.serial.log`);
  const log = createWriteStream(logPath);
  const seen = {};
  let text = '';
  let scanFrom = 0;
  const poweredOnAt = Date.now();
  const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (chunk) => {
    const now = Date.now();
    log.write(chunk);
    // Keep only what a pattern may still need: the console of a live boot is a few hundred KiB.
    text += chunk.toString('latin1').replace(/\r/g, '');
    for (const m of CONSOLE_MILESTONES) {
      if (seen[m.key] === undefined && m.re.test(text.slice(Math.max(0, scanFrom - 200)))) seen[m.key] = now - poweredOnAt;
    }
    scanFrom = text.length;
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  async function stop() {
    await terminate(child, exited);
    process.off('exit', killOnExit);
    await new Promise((r) => log.end(r));
    spawnSync('ip', ['link', 'del', tap], { stdio: 'ignore' });
    rmSync(disk, { force: true });
  }

  return {
    poweredOnAt,
    exited,
    milestones: () => ({ ...seen }),
    consoleTail: (n = 3000) => text.slice(-n),
    stderr: () => stderr,
    logPath,
    stop,
  };
}
