// A TCP proxy in front of MongoDB that counts the commands passing through it, by command name
// and collection. Counting at the wire sees every client of a process (mongoose, BullMQ never
// talks to MongoDB, the driver's own hello/ping), which the driver's command monitoring in one
// process would not; one proxy per process tells web from worker.
import net from 'node:net';

const OP_MSG = 2013;
const OP_QUERY = 2004;
// The driver's connection keep-alive and topology checks: counted apart, they are not work.
const HANDSHAKE = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'endSessions', 'saslStart', 'saslContinue']);

/** Reads the first element (the command name) and its string value (the collection) of a BSON document. */
function firstElement(buf, offset) {
  const type = buf[offset + 4];
  let end = buf.indexOf(0, offset + 5);
  const name = buf.toString('utf8', offset + 5, end);
  let collection = '';
  if (type === 0x02) {
    const len = buf.readInt32LE(end + 1);
    collection = buf.toString('utf8', end + 5, end + 5 + len - 1);
  }
  return { name, collection };
}

function parseMessage(msg) {
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_MSG) {
    // flagBits (4), then sections; kind 0 is the command document.
    let p = 20;
    while (p < msg.length) {
      const kind = msg[p];
      if (kind === 0) return firstElement(msg, p + 1);
      const size = msg.readInt32LE(p + 1);
      p += 1 + size;
    }
  } else if (opCode === OP_QUERY) {
    // flags (4), fullCollectionName cstring, skip (4), return (4), then the query document.
    const end = msg.indexOf(0, 20);
    return firstElement(msg, end + 9);
  }
  return { name: `op${opCode}`, collection: '' };
}

export class CommandCounter {
  constructor() {
    this.reset();
  }
  reset() {
    this.byCommand = new Map();
    this.total = 0;
    this.handshakes = 0;
    this.lastAt = Date.now();
  }
  add({ name, collection }) {
    this.lastAt = Date.now();
    if (HANDSHAKE.has(name)) {
      this.handshakes++;
      return;
    }
    this.total++;
    const key = `${name} ${collection}`.trim();
    this.byCommand.set(key, (this.byCommand.get(key) ?? 0) + 1);
  }
  /** { 'find cases': 3, ... } sorted by count, highest first. */
  table() {
    return Object.fromEntries([...this.byCommand].sort((a, b) => b[1] - a[1]));
  }
  /** Totals by command name alone (find, update, insert, ...). */
  byName() {
    const out = {};
    for (const [key, n] of this.byCommand) {
      const name = key.split(' ')[0];
      out[name] = (out[name] ?? 0) + n;
    }
    return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
  }
}

/** Starts a counting proxy on 127.0.0.1:<random> forwarding to host:port; answers { port, counter, close }. */
export async function startWireProxy(host, port) {
  const counter = new CommandCounter();
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port });
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 16) {
        const len = pending.readInt32LE(0);
        if (pending.length < len) break;
        try {
          counter.add(parseMessage(pending.subarray(0, len)));
        } catch {
          counter.add({ name: 'unparsed', collection: '' });
        }
        pending = pending.subarray(len);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    counter,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
