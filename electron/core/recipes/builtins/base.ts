/**
 * The base recipe: what every node in a lab wants before anything else — its name, its clock's
 * zone, a few packages, sudo for the admin user, and security updates that install themselves.
 */
import { debianOnly } from '../os-info';
import type { Recipe } from '../recipe';
import { aptInstall, fileIs, packagesInstalled, q, writeFile } from '../shell';

const BASE_PACKAGES = ['ca-certificates', 'curl', 'tzdata', 'sudo'];

const AUTO_UPGRADES = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n';

function sudoersLine(user: string): string {
  return `# Managed by Rackpilot: ${user} is the admin user Rackpilot logs in as.\n${user} ALL=(ALL:ALL) NOPASSWD: ALL\n`;
}

/** sudo ignores files in sudoers.d whose names contain a dot, so this name has none. */
const SUDOERS_FILE = '/etc/sudoers.d/90-rackpilot';

export const baseRecipe: Recipe = {
  id: 'base',
  title: 'Base system',
  description: 'Host name from the node name, time zone, common packages, passwordless sudo for the admin user, unattended security updates.',
  unsupported: debianOnly,
  steps: [
    {
      id: 'packages',
      title: 'Install common packages',
      check: ({ params }) => packagesInstalled([...BASE_PACKAGES, ...params.packages]),
      apply: ({ params }) => aptInstall([...BASE_PACKAGES, ...params.packages]),
    },
    {
      id: 'hostname',
      title: 'Set the host name',
      check: ({ nodeName }) => `want=${q(nodeName)}
cur=$(hostname)
[ "$cur" = "$want" ] || { echo "host name is $cur, want $want"; exit 1; }
[ "$(cat /etc/hostname 2>/dev/null)" = "$want" ] || { echo "/etc/hostname does not say $want"; exit 1; }
grep -Eq "^127\\.0\\.1\\.1[[:space:]]+([^[:space:]]+[[:space:]]+)*$want([[:space:]]|\\$)" /etc/hosts || { echo "/etc/hosts does not map 127.0.1.1 to $want"; exit 1; }
echo "host name is $want"`,
      apply: ({ nodeName }) => `want=${q(nodeName)}
# hostnamectl needs systemd-hostnamed over D-Bus, which minimal systems lack: fall back to the files.
hostnamectl set-hostname "$want" 2>/dev/null || hostname "$want"
printf '%s\\n' "$want" > /etc/hostname
if grep -Eq '^127\\.0\\.1\\.1[[:space:]]' /etc/hosts; then
  sed -i -E "s/^127\\.0\\.1\\.1[[:space:]].*/127.0.1.1\\t$want/" /etc/hosts
else
  printf '127.0.1.1\\t%s\\n' "$want" >> /etc/hosts
fi`,
    },
    {
      id: 'timezone',
      title: 'Set the time zone',
      check: ({ params }) => `want=${q(params.timezone)}
[ -f "/usr/share/zoneinfo/$want" ] || { echo "unknown time zone $want: it is not in /usr/share/zoneinfo (tzdata)" >&2; exit 2; }
cur=$(readlink /etc/localtime 2>/dev/null | sed 's#^.*/zoneinfo/##')
if [ "$cur" = "$want" ] && { [ ! -f /etc/timezone ] || [ "$(cat /etc/timezone)" = "$want" ]; }; then echo "time zone is $want"; exit 0; fi
echo "time zone is \${cur:-unset}, want $want"; exit 1`,
      apply: ({ params }) => `want=${q(params.timezone)}
ln -sfn "/usr/share/zoneinfo/$want" /etc/localtime
printf '%s\\n' "$want" > /etc/timezone`,
    },
    {
      id: 'sudoers',
      title: 'Passwordless sudo for the admin user',
      skip: ({ adminUser }) => (adminUser === 'root' ? 'Rackpilot logs in as root, which needs no sudo rule.' : null),
      check: ({ adminUser }) => fileIs(SUDOERS_FILE, sudoersLine(adminUser), '440'),
      // visudo checks the rule before it is put in place: a broken sudoers file locks everyone out.
      apply: ({ adminUser }) => `tmp=/etc/.rackpilot-sudoers.$$
printf '%s' ${q(sudoersLine(adminUser))} > "$tmp"
visudo -cqf "$tmp" || { rm -f "$tmp"; echo "visudo rejected the sudo rule" >&2; exit 2; }
chmod 440 "$tmp" && chown root:root "$tmp" && mv -f "$tmp" ${q(SUDOERS_FILE)}`,
    },
    {
      id: 'unattended-upgrades',
      title: 'Install unattended-upgrades',
      skip: ({ params }) => (params.unattendedUpgrades ? null : 'Unattended upgrades are turned off in the parameters.'),
      check: () => packagesInstalled(['unattended-upgrades']),
      apply: () => aptInstall(['unattended-upgrades']),
    },
    {
      id: 'auto-upgrades',
      title: 'Schedule daily security updates',
      skip: ({ params }) => (params.unattendedUpgrades ? null : 'Unattended upgrades are turned off in the parameters.'),
      check: () => fileIs('/etc/apt/apt.conf.d/20auto-upgrades', AUTO_UPGRADES, '644'),
      apply: () => writeFile('/etc/apt/apt.conf.d/20auto-upgrades', AUTO_UPGRADES, '644'),
    },
  ],
};
