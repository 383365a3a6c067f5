/** Small display helpers for times. */
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : timeFormat.format(d);
}

export function duration(fromIso: string | null, toIso: string | null): string {
  if (!fromIso || !toIso) return '';
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** What an event kind means, in a few words, for timelines; unknown kinds show as they are. */
const KIND_LABELS: Record<string, string> = {
  'node.created': 'Added',
  'node.updated': 'Edited',
  'node.imported': 'Imported',
  'node.discovered': 'Discovered',
  'boot.install-requested': 'Install armed',
  'boot.install-cancelled': 'Install cancelled',
  'boot.install-failed': 'Install failed',
  'boot.phone-home': 'Phoned home',
  'boot.dhcp': 'DHCP',
  'boot.tftp': 'TFTP',
  'boot.http': 'HTTP',
  'job.started': 'Job started',
  'job.succeeded': 'Job succeeded',
  'job.failed': 'Job failed',
  'job.cancelled': 'Job cancelled',
  'job.interrupted': 'Job interrupted',
  'node.hostkey-pinned': 'Host key pinned',
  'vlab.created': 'VM created',
  'vlab.started': 'Powered on',
  'vlab.stopping': 'Shutting down',
  'vlab.stopped': 'Powered off',
  'vlab.reset': 'Reset',
  'vlab.failed': 'VM failed',
  'vlab.interrupted': 'VM interrupted',
  'vlab.destroyed': 'VM destroyed',
  'vlab.ssh-port': 'SSH port moved',
  'vlab.address': 'Address leased',
  'vlab.panic': 'Guest panic',
};

export function eventLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/** A tone for the event's marker: failures stand out, arming and discovery are notable. */
export function eventTone(kind: string): 'bad' | 'notable' | 'good' | 'plain' {
  if (/failed|error|refused|panic/.test(kind)) return 'bad';
  if (kind === 'boot.install-requested' || kind === 'node.discovered') return 'notable';
  if (kind === 'boot.phone-home' || kind === 'job.succeeded') return 'good';
  return 'plain';
}
