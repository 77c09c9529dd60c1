import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AccessQuery, LedgerConfig, tokenHash } from '@ledger/ledger';
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Principal {
  keyId: string;
  role: 'office' | 'licensee' | 'partner';
  partyId?: string;
}

const BOOTSTRAP: Principal = { keyId: 'bootstrap-admin', role: 'office' };

/** Resolves a bearer token to the key that holds it: the bootstrap office token, or an issued API key. */
@Injectable()
export class Authenticator {
  private readonly adminHash: Buffer;

  constructor(config: ConfigService<LedgerConfig, true>, private readonly access: AccessQuery) {
    let admin = config.get('LEDGER_ADMIN_TOKEN', { infer: true });
    if (!admin) {
      // Development only (configuration refuses a missing token elsewhere): a fresh token per start.
      admin = `dev_${randomBytes(24).toString('base64url')}`;
      new Logger('Auth').warn(`LEDGER_ADMIN_TOKEN not set: development office token for this run: ${admin}`);
    }
    this.adminHash = Buffer.from(tokenHash(admin), 'hex');
  }

  private readonly byRequest = new WeakMap<object, Promise<Principal | undefined>>();

  /** A request's principal, looked up once however many guards ask (the rate limit, then access). */
  principalOf(req: { header(name: string): string | undefined }): Promise<Principal | undefined> {
    let principal = this.byRequest.get(req);
    if (!principal) this.byRequest.set(req, (principal = this.resolve(req.header('authorization'))));
    return principal;
  }

  async resolve(authorization: string | undefined): Promise<Principal | undefined> {
    const match = /^Bearer ([\x21-\x7e]{16,256})$/.exec(authorization ?? '');
    if (!match) return undefined;
    const hash = tokenHash(match[1]);
    // Compare digests in constant time: equal lengths, and no early exit on the first differing byte.
    if (timingSafeEqual(Buffer.from(hash, 'hex'), this.adminHash)) return BOOTSTRAP;
    const key = await this.access.activeKey(hash);
    return key && { keyId: key.keyId, role: key.role, partyId: key.partyId };
  }
}
