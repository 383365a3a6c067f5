/**
 * A scripted DHCP client for namespace tests. argv[2] is JSON: the request to send, where to, which
 * port to listen on, for how long. Prints every decoded answer as one JSON line, then "done".
 */
import { createSocket } from 'node:dgram';
import { decodePacket, encodePacket } from '../codec';
import { clientRequest, type RequestSpec } from './packets';

interface ClientArgs {
  spec: RequestSpec;
  to: string;
  toPort: number;
  listenPort: number;
  waitMs: number;
  garbageFirst?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ClientArgs;
const socket = createSocket({ type: 'udp4', reuseAddr: true });
socket.on('message', (msg, rinfo) => {
  const r = decodePacket(msg);
  const summary = r.ok
    ? {
        from: `${rinfo.address}:${rinfo.port}`,
        xid: r.packet.xid,
        op: r.packet.op,
        yiaddr: r.packet.yiaddr,
        siaddr: r.packet.siaddr,
        ciaddr: r.packet.ciaddr,
        sname: r.packet.sname,
        file: r.packet.file,
        options: Object.fromEntries(r.packet.options.map((o) => [o.code, o.data.toString('hex')])),
      }
    : { from: `${rinfo.address}:${rinfo.port}`, error: r.error };
  process.stdout.write(JSON.stringify({ reply: summary }) + '\n');
});
socket.bind(args.listenPort, '0.0.0.0', () => {
  socket.setBroadcast(true);
  const send = () => socket.send(encodePacket(clientRequest(args.spec)), args.toPort, args.to);
  if (args.garbageFirst) socket.send(Buffer.from('not dhcp at all'), args.toPort, args.to, send);
  else send();
  setTimeout(() => {
    process.stdout.write(JSON.stringify({ done: true }) + '\n');
    socket.close();
  }, args.waitMs);
});
