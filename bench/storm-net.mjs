/**
 * The boot storm's lab network: a network namespace for the simulated nodes joined to the host by
 * a veth pair, and the kernel's UDP counters both sides read to tell where datagrams were lost.
 * Linux and root only.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

function sh(args, input) {
  const r = spawnSync('ip', args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** A /24 in 172.31.150–254 that nothing routes yet. */
function freeSubnet() {
  const routes = sh(['-4', 'route', 'show', 'table', 'all']) + sh(['-4', 'addr']);
  for (let k = 0; k < 105; k++) {
    const subnet = `172.31.${150 + ((process.pid + k) % 105)}`;
    if (!routes.includes(`${subnet}.`)) return subnet;
  }
  throw new Error('no free 172.31.150-254.0/24 for the storm network');
}

export function createStormNet(count) {
  const ns = `rp-storm-${process.pid}`;
  const hostIf = `rpsh${process.pid}`.slice(0, 15);
  const nsIf = `rpsn${process.pid}`.slice(0, 15);
  const destroy = () => {
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' });
  };
  destroy(); // what a killed run with the same pid left
  process.on('exit', destroy);
  process.once('SIGINT', destroy); // lib.mjs exits on SIGINT; 'exit' then runs destroy again, harmlessly
  const subnet = freeSubnet();
  try {
    sh(['netns', 'add', ns]);
    sh(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    sh(['link', 'set', nsIf, 'netns', ns]);
    sh(['addr', 'add', `${subnet}.1/24`, 'dev', hostIf]);
    sh(['link', 'set', hostIf, 'up']);
    const batch = [`link set lo up`, `addr add ${subnet}.2/24 dev ${nsIf}`, `link set ${nsIf} up`, `route add default dev ${nsIf}`];
    for (let i = 0; i < count; i++) batch.push(`addr add ${subnet}.${10 + i}/24 dev ${nsIf}`);
    sh(['-n', ns, '-batch', '-'], `${batch.join('\n')}\n`);
  } catch (err) {
    destroy();
    throw err;
  }
  return { ns, hostIf, serverAddress: `${subnet}.1`, clientAddress: (i) => `${subnet}.${10 + i}`, destroy };
}

/** UDP counters of the current network namespace (/proc/net/snmp): InDatagrams, RcvbufErrors, … */
export function udpCounters() {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const [keys, values] = lines.map((l) => l.split(/\s+/).slice(1));
  return Object.fromEntries(keys.map((k, i) => [k, Number(values[i])]));
}

/** Datagrams the kernel dropped on the sockets bound to these local UDP ports (/proc/net/udp "drops"). */
export function socketDrops(ports) {
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    if (ports.includes(parseInt(f[1].split(':')[1], 16))) drops += Number(f[f.length - 1]);
  }
  return drops;
}
