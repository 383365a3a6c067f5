/**
 * The scripts behind the reachability check: a short-lived test listener on the ports a node
 * will serve, and a prober that opens TCP connections to other nodes. Both use what Debian and
 * Ubuntu always have (perl-base is Essential and carries IO::Socket; bash has /dev/tcp), with
 * python3 and socat as fallbacks. Listeners stop themselves after LISTENER_SECONDS even if
 * Rackpilot loses the connection; normally Rackpilot stops them as soon as the probes are done.
 */
import { shellQuote } from '../../ssh/remote-command';

export const LISTENER_SECONDS = 60;
export const CONNECT_TIMEOUT_SECONDS = 4;

export type ListenerTool = 'perl' | 'python3' | 'socat';
export type ProberTool = 'bash' | 'perl' | 'python3';

export function pickListener(tools: Record<string, string>): ListenerTool | null {
  return (['perl', 'python3', 'socat'] as const).find((t) => tools[t]) ?? null;
}

export function pickProber(tools: Record<string, string>): ProberTool | null {
  if (tools.bash && tools.timeout) return 'bash';
  return (['perl', 'python3'] as const).find((t) => tools[t]) ?? null;
}

const PERL_LISTENER = `use IO::Socket::INET; use IO::Select; $| = 1; alarm ${LISTENER_SECONDS};
my $sel = IO::Select->new;
for my $p (@ARGV) {
  my $s = IO::Socket::INET->new(LocalAddr => "0.0.0.0", LocalPort => $p, Proto => "tcp", Listen => 64, ReuseAddr => 1);
  if ($s) { $sel->add($s); print "listening=$p\\n" } else { print "listen_failed=$p $!\\n" }
}
print "ready=1\\n";
while (1) { for my $s ($sel->can_read(1)) { my $c = $s->accept; close $c if $c } }`;

const PYTHON_LISTENER = `import selectors, signal, socket, sys
signal.alarm(${LISTENER_SECONDS})
sel = selectors.DefaultSelector()
for p in sys.argv[1:]:
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", int(p)))
        s.listen(64)
        sel.register(s, selectors.EVENT_READ)
        print("listening=" + p, flush=True)
    except OSError as e:
        print("listen_failed=" + p + " " + str(e.strerror), flush=True)
print("ready=1", flush=True)
while True:
    for key, _ in sel.select(1):
        c, _ = key.fileobj.accept()
        c.close()`;

/** Prints listening=<port> / listen_failed=<port> <why> per port, then ready=1, then serves until stopped. */
export function listenerScript(tool: ListenerTool, ports: readonly number[]): string {
  const args = ports.join(' ');
  if (tool === 'perl') return `exec perl -e ${shellQuote(PERL_LISTENER)} ${args}`;
  if (tool === 'python3') return `exec python3 -c ${shellQuote(PYTHON_LISTENER)} ${args}`;
  // socat cannot say when it is bound: start one per port, then watch for the socket.
  return `for p in ${args}; do timeout ${LISTENER_SECONDS} socat TCP-LISTEN:$p,reuseaddr,fork /dev/null </dev/null >/dev/null 2>&1 & done
for p in ${args}; do
  i=0; while [ $i -lt 50 ] && ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; do sleep 0.1; i=$((i+1)); done
  if [ $i -lt 50 ]; then echo "listening=$p"; else echo "listen_failed=$p socat did not start listening"; fi
done
echo ready=1
wait`;
}

const PERL_PROBE = `use IO::Socket::INET; my ($h, $p) = @ARGV;
my $s = IO::Socket::INET->new(PeerAddr => $h, PeerPort => $p, Proto => "tcp", Timeout => ${CONNECT_TIMEOUT_SECONDS});
if ($s) { print "probe=$h $p ok\\n" } elsif ($!{ETIMEDOUT} || $@ =~ /timeout/i) { print "probe=$h $p timeout\\n" } else { print "probe=$h $p error $!\\n" }`;

const PYTHON_PROBE = `import socket, sys
h, p = sys.argv[1], sys.argv[2]
try:
    socket.create_connection((h, int(p)), timeout=${CONNECT_TIMEOUT_SECONDS}).close()
    print("probe=%s %s ok" % (h, p))
except socket.timeout:
    print("probe=%s %s timeout" % (h, p))
except OSError as e:
    print("probe=%s %s error %s" % (h, p, e.strerror))`;

/** One probe=<host> <port> ok|timeout|error <why> line per target, all tried at once. */
export function proberScript(tool: ProberTool, targets: readonly { host: string; port: number }[]): string {
  const one =
    tool === 'bash'
      ? `probe() {
  if out=$(timeout ${CONNECT_TIMEOUT_SECONDS} bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>&1); then echo "probe=$1 $2 ok"
  elif [ $? -eq 124 ]; then echo "probe=$1 $2 timeout"
  else echo "probe=$1 $2 error $(printf '%s\\n' "$out" | head -n 1 | sed 's/.*: //')"; fi
}`
      : tool === 'perl'
        ? `probe() { perl -e ${shellQuote(PERL_PROBE)} "$1" "$2"; }`
        : `probe() { python3 -c ${shellQuote(PYTHON_PROBE)} "$1" "$2"; }`;
  const calls = targets.map((t) => `probe ${shellQuote(t.host)} ${t.port} &`).join('\n');
  return `${one}\n${calls}\nwait\n`;
}

/** probe= lines → outcome text per "host port". */
export function parseProbeLines(output: string): Map<string, { kind: 'ok' | 'timeout' | 'refused' | 'error'; detail: string }> {
  const outcomes = new Map<string, { kind: 'ok' | 'timeout' | 'refused' | 'error'; detail: string }>();
  for (const line of output.split('\n')) {
    const match = /^probe=(\S+) (\d+) (ok|timeout|error)(?: (.*))?$/.exec(line.trim());
    if (!match) continue;
    const [, host = '', port = '', kind = 'error', detail = ''] = match;
    const refused = kind === 'error' && /refused/i.test(detail);
    outcomes.set(`${host} ${port}`, { kind: refused ? 'refused' : (kind as 'ok' | 'timeout' | 'error'), detail: detail.trim() || 'connection failed' });
  }
  return outcomes;
}
