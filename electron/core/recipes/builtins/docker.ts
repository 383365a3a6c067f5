/**
 * Docker Engine from the distribution's own packages (docker.io on Debian and Ubuntu): it installs
 * from the same mirror as everything else, which matters on a lab network without internet. An
 * engine installed another way (docker-ce from Docker's repository) is accepted as it is.
 */
import { debianOnly } from '../os-info';
import type { Recipe } from '../recipe';
import { aptInstall, backupOnce, q, serviceRunning } from '../shell';

/** Container logs are rotated: json-file without limits fills a small lab disk in weeks. */
const LOG_OPTS = { 'log-driver': 'json-file', 'log-opts': { 'max-size': '10m', 'max-file': '3' } };
const DAEMON_JSON = '/etc/docker/daemon.json';

/** python3 compares and merges JSON: the user's own daemon.json settings are kept, ours added. */
const daemonJsonCheck = `f=${DAEMON_JSON}
[ -f "$f" ] || { echo "$f is missing"; exit 1; }
command -v python3 >/dev/null || { echo "$f exists and python3 is missing to check it; add the log options by hand: ${JSON.stringify(LOG_OPTS).replace(/"/g, '\\"')}" >&2; exit 2; }
python3 - "$f" <<'PY'
import json, sys
want = json.loads(${q(JSON.stringify(LOG_OPTS))})
try:
    have = json.load(open(sys.argv[1]))
except ValueError as e:
    print(f"{sys.argv[1]} is not valid JSON ({e}); fix or remove it", file=sys.stderr); sys.exit(2)
missing = [k for k, v in want.items() if have.get(k) != v]
print("container logs rotate at 10 MB x 3" if not missing else "not set: " + ", ".join(missing))
sys.exit(1 if missing else 0)
PY`;

const daemonJsonApply = `f=${DAEMON_JSON}
mkdir -p /etc/docker
${backupOnce(DAEMON_JSON)}
if command -v python3 >/dev/null; then
  python3 - "$f" <<'PY'
import json, os, sys
path = sys.argv[1]
have = json.load(open(path)) if os.path.exists(path) else {}
have.update(json.loads(${q(JSON.stringify(LOG_OPTS))}))
tmp = path + ".rackpilot-tmp"
with open(tmp, "w") as out:
    json.dump(have, out, indent=2); out.write("\\n")
os.chmod(tmp, 0o644); os.replace(tmp, path)
PY
else
  [ ! -f "$f" ] || { echo "$f exists and python3 is missing to merge it" >&2; exit 2; }
  printf '%s\\n' ${q(JSON.stringify(LOG_OPTS, null, 2))} > "$f"
fi
# The daemon reads log options at start. Restart it only when no container would be stopped.
if systemctl is-active -q docker 2>/dev/null; then
  if [ -z "$(docker ps -q 2>/dev/null)" ]; then systemctl restart docker; else echo "containers are running: the new log options apply after the next docker restart"; fi
fi`;

export const dockerRecipe: Recipe = {
  id: 'docker',
  title: 'Docker Engine',
  description: "Docker Engine from the distribution's packages, rotated container logs, the service running, and the admin user in the docker group.",
  unsupported: debianOnly,
  steps: [
    {
      id: 'engine',
      title: 'Install Docker Engine',
      check: () => `if command -v dockerd >/dev/null; then echo "Docker Engine is installed ($(dockerd --version 2>/dev/null | head -n 1))"; exit 0; fi
echo "Docker Engine is not installed"; exit 1`,
      apply: () => aptInstall(['docker.io']),
    },
    { id: 'log-rotation', title: 'Rotate container logs', check: () => daemonJsonCheck, apply: () => daemonJsonApply },
    { id: 'service', title: 'Run the Docker service', check: () => serviceRunning('docker.service'), apply: () => 'systemctl enable --now docker.service' },
    {
      id: 'docker-group',
      title: 'Let the admin user use Docker',
      skip: ({ adminUser }) => (adminUser === 'root' ? 'Rackpilot logs in as root.' : null),
      check: ({ adminUser }) => `u=${q(adminUser)}
id -nG "$u" | tr ' ' '\\n' | grep -qx docker && { echo "$u is in the docker group"; exit 0; }
echo "$u is not in the docker group"; exit 1`,
      // Group membership applies to new logins: Rackpilot's next connection to the node has it.
      apply: ({ adminUser }) => `usermod -aG docker ${q(adminUser)}`,
    },
    {
      id: 'verify',
      title: 'Check that the engine answers',
      check: () => `v=$(docker version --format '{{.Server.Version}}' 2>&1) && { echo "Docker Engine $v is answering"; exit 0; }
echo "docker version failed: $v"; exit 1`,
    },
  ],
};
