/**
 * How kubeadm drives the kubelet: through systemd (`systemctl daemon-reload`, `restart`, `stop`,
 * run from PATH as kubeadm's initsystem does, so the calls show in the rack's log) and its
 * health endpoint http://127.0.0.1:10248/healthz.
 */
import { spawnSync } from 'node:child_process';
import { get } from 'node:http';

export function systemctl(...args) {
  return spawnSync('systemctl', args, { encoding: 'utf8' }).status === 0;
}

export function restartKubelet() {
  systemctl('daemon-reload');
  return systemctl('restart', 'kubelet');
}

export function stopKubelet() {
  return systemctl('stop', 'kubelet');
}

function healthz() {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port: 10248, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Milliseconds until the kubelet answered healthy, or null when it did not within `timeoutMs`
 * (the real wait is 4 minutes; the stand-in's kubelet decides within its first second or two).
 */
export async function waitForKubelet(timeoutMs = 6000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await healthz()) return Math.max(1, Date.now() - start) + 500;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}
