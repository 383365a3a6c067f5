/**
 * How the Kubernetes orchestration reaches a node: scripts through the pooled SSH connection,
 * as root via sudo (Rackpilot's nodes log in as an unprivileged user with passwordless sudo),
 * files written through `sudo tee` so root-owned paths work without SFTP as root. Every kube
 * module talks to nodes through this one seam, so tests run the same code against real sshd.
 */
import type { CommandResult } from '../../../shared/domain/ssh';
import type { LogStream } from '../../../shared/domain/job';
import type { SshService } from '../ssh/ssh-service';
import { shellQuote } from '../ssh/remote-command';
import type { SshTarget } from '../ssh/target';

/** A cluster member as the orchestration sees it. */
export interface KubeNode {
  id: string;
  /** Inventory name (the Kubernetes node name is kubernetesNodeName(name)). */
  name: string;
  address: string;
  role: 'control-plane' | 'worker';
  /** The node `kubeadm init` runs on. */
  init: boolean;
  target: SshTarget;
}

export interface RunOpts {
  /** Default true: kubeadm, kubectl with admin.conf, iptables… all need root. */
  sudo?: boolean;
  /** Default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Whole lines as they arrive (for the job log); secrets must be redacted by the caller. */
  onLine?: (line: string, stream: LogStream) => void;
}

export interface Remote {
  /** Runs a POSIX sh script on the node; never throws for a non-zero exit (see exitCode). */
  run(node: KubeNode, script: string, opts?: RunOpts): Promise<CommandResult>;
  /** Writes a file as root (parent folders created), atomically (temp file + mv). */
  writeFile(node: KubeNode, path: string, content: string | Buffer, opts?: { mode?: string; signal?: AbortSignal }): Promise<void>;
  /** Reads a file as root; throws when it cannot (missing, unreadable). */
  readFile(node: KubeNode, path: string, opts?: { signal?: AbortSignal; maxBytes?: number }): Promise<Buffer>;
}

const PATH_EXPORT = 'export LC_ALL=C DEBIAN_FRONTEND=noninteractive PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"';

function lineSplitter(stream: LogStream, onLine: (line: string, stream: LogStream) => void): (chunk: Buffer) => void {
  let rest = '';
  return (chunk) => {
    const text = rest + chunk.toString('utf8');
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''), stream);
    // Very long lines without newline still reach the log, in pieces.
    if (rest.length > 8192) {
      onLine(rest, stream);
      rest = '';
    }
  };
}

export function sshRemote(ssh: SshService): Remote {
  const remote: Remote = {
    async run(node, script, opts = {}) {
      const sudo = opts.sudo !== false && node.target.user !== 'root';
      return ssh.runScript(node.target, `${PATH_EXPORT}\n${script}\n`, {
        sudo,
        timeoutMs: opts.timeoutMs ?? 600_000,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onLine ? { onStdout: lineSplitter('stdout', opts.onLine), onStderr: lineSplitter('stderr', opts.onLine) } : {}),
      });
    },
    async writeFile(node, path, content, opts = {}) {
      const body = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
      const dir = path.replace(/\/[^/]*$/, '') || '/';
      const tmp = `${path}.rackpilot-tmp`;
      const script = `set -e\nmkdir -p ${shellQuote(dir)}\numask 077\nbase64 -d > ${shellQuote(tmp)} <<'RACKPILOT_EOF'\n${body.toString('base64').replace(/(.{76})/g, '$1\n')}\nRACKPILOT_EOF\nchmod ${opts.mode ?? '644'} ${shellQuote(tmp)}\nmv -f ${shellQuote(tmp)} ${shellQuote(path)}`;
      const result = await remote.run(node, script, opts.signal ? { signal: opts.signal, timeoutMs: 120_000 } : { timeoutMs: 120_000 });
      if (result.exitCode !== 0) throw new Error(`Could not write ${path} on ${node.name}: ${(result.stderr || result.stdout).trim() || `exit ${result.exitCode}`}`);
    },
    async readFile(node, path, opts = {}) {
      const max = opts.maxBytes ?? 64 * 1024 * 1024;
      const chunks: Buffer[] = [];
      let size = 0;
      const result = await ssh.runScript(node.target, `${PATH_EXPORT}\nbase64 -w 0 < ${shellQuote(path)}\n`, {
        sudo: node.target.user !== 'root',
        timeoutMs: 300_000,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onStdout: (chunk) => {
          size += chunk.length;
          if (size <= Math.ceil(max / 3) * 4 + 4) chunks.push(chunk);
        },
      });
      if (result.exitCode !== 0) throw new Error(`Could not read ${path} on ${node.name}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
      if (size > Math.ceil(max / 3) * 4 + 4) throw new Error(`${path} on ${node.name} is larger than ${max} bytes`);
      return Buffer.from(Buffer.concat(chunks).toString('ascii').trim(), 'base64');
    },
  };
  return remote;
}
