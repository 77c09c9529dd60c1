import { ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventStore } from '@ledger/event-store';
import { AccessQuery, ProjectionRunner, tokenHash } from '@ledger/ledger';
import { Authenticator } from './authenticator';

const ADMIN = 'office-token-abcdefghijklmnopqrstuvwxyz';
const KEY = 'rlk_issued-key-abcdefghijklmnop';

/** An authenticator over a log whose head is 10, with the api-keys read model at `at`. */
function authenticator(at: { position: bigint }) {
  const config = new ConfigService({ LEDGER_ADMIN_TOKEN: ADMIN, MIN_POSITION_WAIT_MS: 100 });
  const access = { activeKey: async (hash: string) => (hash === tokenHash(KEY) ? { keyId: 'k1', partyId: 'p1', role: 'partner' } : undefined) };
  const runner = { positions: () => ({ 'api-keys': at.position }) };
  return new Authenticator(config as never, access as unknown as AccessQuery, runner as unknown as ProjectionRunner, { headPosition: async () => 10n } as unknown as EventStore);
}

describe('Authenticator', () => {
  it('reads no issued key until the api-keys read model has reached where the log stood at start: a key revoked since stays refused', async () => {
    const at = { position: 4n }; // rebuilding from the start of the log: the key is issued at 3, revoked at 8
    const auth = authenticator(at);
    await auth.onApplicationBootstrap();
    await expect(auth.resolve(`Bearer ${KEY}`)).rejects.toBeInstanceOf(ServiceUnavailableException);
    await expect(auth.resolve(`Bearer ${ADMIN}`)).resolves.toMatchObject({ role: 'office' }); // the bootstrap token needs no read model
    setTimeout(() => (at.position = 10n), 30);
    await expect(auth.resolve(`Bearer ${KEY}`)).resolves.toEqual({ keyId: 'k1', role: 'partner', partyId: 'p1' });
    at.position = 2n; // checked until reached once, not on every request
    await expect(auth.resolve(`Bearer ${KEY}`)).resolves.toMatchObject({ keyId: 'k1' });
  });

  it('takes the scheme name in any case, as HTTP does (RFC 9110 §11.1); "bearer" was refused', async () => {
    const auth = authenticator({ position: 10n });
    await auth.onApplicationBootstrap();
    await expect(auth.resolve(`bearer ${ADMIN}`)).resolves.toMatchObject({ role: 'office' });
    await expect(auth.resolve(`BEARER ${KEY}`)).resolves.toMatchObject({ keyId: 'k1' });
  });
});
