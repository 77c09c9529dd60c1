import { EventStoreDbNotAnswering } from '@ledger/event-store';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { ConfigService } from '@nestjs/config';
import { LedgerConfig, validateLedgerConfig } from '../config/ledger-config';
import { storeConfig } from '../ledger.module';
import { openEventStore } from './open-stores';

describe('openEventStore: EventStoreDB', () => {
  // Accepts connections and never answers, as a wrong port behind a proxy does.
  let silent: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives up on a silent server after ESDB_ANSWER_WITHIN_MS, not the 10 s default', async () => {
    const port = (silent.address() as AddressInfo).port;
    const config = validateLedgerConfig({ EVENT_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: `esdb://127.0.0.1:${port}?tls=false`,
      DATABASE_URL: 'postgres://unused/ledger', ESDB_ANSWER_WITHIN_MS: '300' });
    // As the module opens it: through the configuration service and storeConfig.
    const store = await openEventStore(storeConfig(new ConfigService<LedgerConfig, true>(config as unknown as Record<string, unknown>)));
    try {
      await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreDbNotAnswering);
    } finally {
      void store.close().catch(() => undefined); // closing waits for calls a silent server never answers
    }
  }, 5000); // at the default deadline the read waits 10 s: this test then fails on its timeout

  it('refuses a deadline below 100 ms or above 10 minutes, naming the variable', () => {
    for (const value of ['50', '600001', 'soon']) {
      expect(() => validateLedgerConfig({ ESDB_ANSWER_WITHIN_MS: value })).toThrow('ESDB_ANSWER_WITHIN_MS must be an integer from 100 to 600000');
    }
    expect(validateLedgerConfig({}).ESDB_ANSWER_WITHIN_MS).toBe(10000);
  });
});
