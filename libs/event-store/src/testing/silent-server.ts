import { AddressInfo, Socket, createServer } from 'node:net';

/**
 * A server that accepts connections and never answers, as a wrong port behind a proxy or load balancer
 * does (the kernel accepts them even while the test process is blocked in spawnSync).
 */
export async function silentServer() {
  const accepted = new Set<Socket>();
  const server = createServer((socket) => accepted.add(socket.on('error', () => undefined)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      // Never read, a socket whose client has gone never sees its end: close() would wait on it for ever.
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
