/**
 * `systemd`: a unit's state from `systemctl is-active` / `is-enabled` on the node. Only
 * "enabled" and "enabled-runtime" count as enabled: "static", "indirect" and "alias" also exit
 * 0, but such a unit does not start at boot because the learner enabled it.
 */
import { shellQuote } from '../../ssh/remote-command';
import { CannotRun, clip, nameOf, sshTargetFor, type CheckKind } from './check-kit';

const ENABLED = new Set(['enabled', 'enabled-runtime']);

export const systemdCheck: CheckKind<'systemd'> = {
  ran: (c, target) => `systemctl is-active${c.enabled === undefined ? '' : ' / is-enabled'} ${c.unit} on ${nameOf(c.node, target)}`,

  async judge(c, { target, deps, signal }) {
    const ssh = sshTargetFor(c.node, target);
    const unit = shellQuote(c.unit);
    const command = `printf 'active=%s\\n' "$(systemctl is-active ${unit} 2>&1)"; printf 'enabled=%s\\n' "$(systemctl is-enabled ${unit} 2>&1)"`;
    const r = await deps.ssh.run(ssh, command, { timeoutMs: 30_000, ...(signal ? { signal } : {}) });
    const active = /^active=(.*)$/m.exec(r.stdout)?.[1]?.trim() ?? '';
    const enabled = /^enabled=(.*)$/m.exec(r.stdout)?.[1]?.trim() ?? '';
    if (/not found|No such file or directory$/.test(active) && /systemctl/.test(active)) {
      throw new CannotRun(`systemctl is not available on ${ssh.name}: ${clip(active, 200)}`, `This check needs a node that runs systemd.`);
    }
    if (/not been booted with systemd|Failed to connect to bus/.test(active)) {
      throw new CannotRun(`systemd does not run on ${ssh.name}: ${clip(active, 200)}`, 'This check needs a node that booted with systemd as its init system.');
    }
    const isActive = active === 'active';
    const isEnabled = ENABLED.has(enabled);
    const problems: string[] = [];
    if (isActive !== c.active) problems.push(c.active ? 'it should be active' : 'it should not be running');
    if (c.enabled !== undefined && isEnabled !== c.enabled) problems.push(c.enabled ? 'it should be enabled (start at boot)' : 'it should not be enabled');
    const state = `${c.unit} is ${active || 'in an unknown state'}${c.enabled === undefined ? '' : `, ${/^Failed to get unit file state/.test(enabled) ? 'not installed' : enabled || 'unknown'} at boot`}`;
    return { pass: problems.length === 0, saw: `${state}${problems.length ? `: ${problems.join(', ')}` : ''}.` };
  },
};
