import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { BEARER_TOKEN } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { AccessQuery, EVENT_STORE, LedgerConfig, ProjectionRunner, apiKeysProjection, tokenHash } from '@ledger/ledger';
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Principal {
  keyId: string;
  role: 'office' | 'licensee' | 'partner';
  partyId?: string;
}

const BOOTSTRAP: Principal = { keyId: 'bootstrap-admin', role: 'office' };
const KEYS_POLL_MS = 20;

/** Resolves a bearer token to the key that holds it: the bootstrap office token, or an issued API key. */
@Injectable()
export class Authenticator {
  private readonly adminHash: Buffer;

  /** The log's head when the service started: keys are read from the api-keys read model only once it has got there. */
  private keysFrom: bigint | undefined;
  private keysCurrent = false;
  private readonly waitMs: number;
  private readonly byRequest = new WeakMap<object, Promise<Principal | undefined>>();

  constructor(
    config: ConfigService<LedgerConfig, true>,
    private readonly access: AccessQuery,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.waitMs = config.get('MIN_POSITION_WAIT_MS', { infer: true });
    let admin = config.get('LEDGER_ADMIN_TOKEN', { infer: true });
    if (!admin) {
      // Development only (configuration refuses a missing token elsewhere): a fresh token per start.
      admin = `dev_${randomBytes(24).toString('base64url')}`;
      new Logger('Auth').warn(`LEDGER_ADMIN_TOKEN not set: development office token for this run: ${admin}`);
    }
    this.adminHash = Buffer.from(tokenHash(admin), 'hex');
  }

  /** A request's principal, looked up once however many guards ask (the rate limit, then access). */
  principalOf(req: { header(name: string): string | undefined }): Promise<Principal | undefined> {
    let principal = this.byRequest.get(req);
    if (!principal) this.byRequest.set(req, (principal = this.resolve(req.header('authorization'))));
    return principal;
  }

  async resolve(authorization: string | undefined): Promise<Principal | undefined> {
    const match = /^Bearer (\S+)$/i.exec(authorization ?? '');
    if (!match || !BEARER_TOKEN.test(match[1])) return undefined;
    const hash = tokenHash(match[1]);
    // Compare digests in constant time: equal lengths, and no early exit on the first differing byte.
    if (timingSafeEqual(Buffer.from(hash, 'hex'), this.adminHash)) return BOOTSTRAP;
    await this.keysUpToDate();
    const key = await this.access.activeKey(hash);
    return key && { keyId: key.keyId, role: key.role, partyId: key.partyId };
  }

  async onApplicationBootstrap() {
    this.keysFrom = await this.store.headPosition();
  }

  /**
   * A read model rebuilt at start (lost, or its version changed) takes keys in again from the start of
   * the log: until it passes where the log stood at start, a key revoked since would authenticate
   * again. Waits for it (bounded), then answers 503 with Retry-After.
   */
  private async keysUpToDate(): Promise<void> {
    if (this.keysCurrent) return;
    const deadline = Date.now() + this.waitMs;
    const from = this.keysFrom ?? (this.keysFrom = await this.store.headPosition());
    while ((this.runner.positions()[apiKeysProjection.name] ?? -1n) < from) {
      if (Date.now() >= deadline) throw new ServiceUnavailableException(`API keys are being read from the log (up to position ${from}): retry shortly`);
      await new Promise((r) => setTimeout(r, KEYS_POLL_MS));
    }
    this.keysCurrent = true;
  }
}
