/**
 * `http`: a GET from this computer (Node's fetch) or from a node (curl on it, so the request
 * really starts there — what a container network or a firewall on that node lets through).
 * Redirects are not followed either way: the status is the one the server sent. A refused
 * connection or no answer is the learner's answer (nothing serves there yet), so it fails.
 */
import { abortError } from '../../abort';
import { shellQuote } from '../../ssh/remote-command';
import { CannotRun, clip, deadline, fromWords, labRegex, seconds, sshTargetFor, type CheckContext, type CheckKind, type CheckOf, type Verdict } from './check-kit';

/** Enough of a page to match against; the rest is not read. */
const BODY_BYTES = 64 * 1024;
const STATUS_MARKER = 'RACKPILOT-HTTP-STATUS=';

type HttpCheck = CheckOf<'http'>;
interface Answer {
  status: number;
  statusText: string;
  body: string;
}

function judgeAnswer(c: HttpCheck, a: Answer): Verdict {
  const problems: string[] = [];
  if (a.status !== c.status) problems.push(`expected HTTP ${c.status}`);
  if (c.bodyMatches !== undefined && !labRegex(c.bodyMatches).test(a.body)) problems.push(`the page does not match /${c.bodyMatches}/`);
  const line = `HTTP ${a.status}${a.statusText ? ` ${a.statusText}` : ''}${problems.length ? ` (${problems.join('; ')})` : ''}.`;
  return { pass: problems.length === 0, saw: a.body.trim() ? `${line}\nPage:\n${clip(a.body)}` : `${line} The page is empty.` };
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, BODY_BYTES).toString('utf8');
}

/** Node's fetch hides the socket error in `cause`. */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'Connection refused: nothing listens on that address and port.';
  if (cause?.code === 'EHOSTUNREACH' || cause?.code === 'ENETUNREACH') return `No route to the host (${cause.code}): is the node on and on this network?`;
  if (cause?.code === 'ENOTFOUND') return 'The host name does not resolve.';
  return `The request failed: ${cause?.message ?? (err as Error).message}.`;
}

async function fromHost(c: HttpCheck, signal?: AbortSignal): Promise<Verdict> {
  const limit = deadline(c.timeoutSeconds * 1000, signal);
  try {
    const res = await fetch(c.url, { redirect: 'manual', signal: limit.signal, headers: { 'user-agent': 'Rackpilot lab check' } });
    return judgeAnswer(c, { status: res.status, statusText: res.statusText, body: await readCapped(res) });
  } catch (err) {
    if (signal?.aborted) throw abortError();
    if (limit.timedOut()) return { pass: false, saw: `No answer within ${seconds(c.timeoutSeconds * 1000)}.` };
    if (err instanceof TypeError && /Invalid URL|Failed to parse URL/i.test(`${err.message} ${String((err as { cause?: unknown }).cause)}`)) {
      throw new CannotRun(`${c.url} is not a URL Rackpilot can request.`, 'The lab itself is wrong here: tell its author.');
    }
    return { pass: false, saw: networkReason(err) };
  }
}

/**
 * curl on the node: the body goes to stdout (cut at BODY_BYTES by head), the status line to
 * stderr after curl's own error message, so neither hides the other.
 */
async function fromNode(c: HttpCheck & { from: string }, { target, deps, signal }: CheckContext): Promise<Verdict> {
  const ssh = sshTargetFor(c.from, target);
  const write = shellQuote(`%{stderr}${STATUS_MARKER}%{http_code}\\n`);
  const command = `curl -sS --max-time ${c.timeoutSeconds} -w ${write} --url ${shellQuote(c.url)} | head -c ${BODY_BYTES}`;
  const r = await deps.ssh.run(ssh, command, { timeoutMs: (c.timeoutSeconds + 15) * 1000, ...(signal ? { signal } : {}) });
  const marker = new RegExp(`${STATUS_MARKER}(\\d{3})`).exec(r.stderr);
  if (!marker) {
    if (/curl: (command )?not found/.test(r.stderr)) throw new CannotRun(`curl is not installed on ${ssh.name}.`, `Install it on ${ssh.name} (sudo apt-get install -y curl), then check again.`);
    throw new CannotRun(`curl on ${ssh.name} gave no HTTP status: ${clip(r.stderr || `exit code ${r.exitCode}`, 300)}`, `Make sure curl runs on ${ssh.name}, then check again.`);
  }
  const status = Number(marker[1]);
  if (status === 0) {
    const said = r.stderr.replace(new RegExp(`${STATUS_MARKER}\\d{3}\\s*`), '').trim();
    return { pass: false, saw: `No HTTP answer: ${clip(said || 'curl got no response', 400)}` };
  }
  return judgeAnswer(c, { status, statusText: '', body: r.stdout });
}

export const httpCheck: CheckKind<'http'> = {
  ran: (c, target) => (c.from === 'host' ? `GET ${c.url} from this computer` : `curl ${c.url} on ${fromWords(c.from, target)}`),
  judge: (c, ctx) => (c.from === 'host' ? fromHost(c, ctx.signal) : fromNode(c, ctx)),
};
