import { AddressInfo, Socket, connect, createServer } from 'node:net';

/**
 * A TCP proxy to PostgreSQL that can stop passing bytes without closing anything, as a partition
 * does, and heal: what was sent meanwhile is then delivered, as TCP retransmits it. A FIN is held too
 * (half-open sockets: the proxy ends its side only when the other end's FIN gets through), so a
 * client saying goodbye during a partition waits, as it would for a peer it cannot reach.
 */
export async function partitionableProxy(target: URL) {
  const sockets: Socket[] = [];
  let parted = false;
  /** Parts once the server has sent this many bytes through (a partition in the middle of an answer). */
  let partAt = Infinity;
  let answered = 0;
  let partedAt: number | undefined;
  const held: (() => void)[] = [];
  const pass = (to: Socket) => (chunk: Buffer) => (parted ? held.push(() => to.write(chunk)) : to.write(chunk));
  const passAnswer = (to: Socket) => (chunk: Buffer) => {
    pass(to)(chunk);
    answered += chunk.length;
    if (answered >= partAt && !parted) (parted = true), (partedAt = Date.now());
  };
  const passEnd = (to: Socket) => () => (parted ? held.push(() => to.end()) : to.end());
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ port: Number(target.port || 5432), host: target.hostname, allowHalfOpen: true });
    sockets.push(client, upstream);
    client.on('data', pass(upstream));
    upstream.on('data', passAnswer(client));
    client.on('end', passEnd(upstream));
    upstream.on('end', passEnd(client));
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (url: string) => Object.assign(new URL(url), { hostname: '127.0.0.1', port: String(port) }).toString(),
    partition: () => void (parted = true),
    /** Parts once the server has sent `bytes` in all through the proxy. */
    partitionAfter: (bytes: number) => void (partAt = bytes),
    /** Bytes the server has sent through the proxy. */
    answered: () => answered,
    /** When partitionAfter's bytes had gone through (Date.now()), if they have. */
    partedAt: () => partedAt,
    heal: () => {
      parted = false;
      held.splice(0).forEach((deliver) => deliver());
    },
    close: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
}
