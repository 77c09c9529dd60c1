import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Logger, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessQuery } from '@ledger/ledger';
import { Request } from 'express';
import { ProjectionFreshness } from '../http/min-position';
import { ledgerId } from '../http/ledger-id';
import { ACCESS_POLICY, AccessPolicy } from './access-policy';
import { Authenticator, Principal } from './authenticator';

export type AuthenticatedRequest = Request & { principal?: Principal; actor?: { id: string; role: string } };

/**
 * The one place access is decided: 401 without a valid token, 403 for a role the route does not admit,
 * 404 for another party's resources (so their existence does not leak). Keys and license parties are
 * read models: a request that would be refused and asks for ?minPosition= waits for it and is decided
 * again, so a key just issued, or a license just granted, is read as the caller's write promised.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly access: AccessQuery,
    private readonly freshness: ProjectionFreshness,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<AccessPolicy>(ACCESS_POLICY, [context.getHandler(), context.getClass()]);
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!policy) {
      this.logger.error(`${req.method} ${req.route?.path ?? req.path} declares no access policy: refused`);
      throw new ForbiddenException('this route declares no access policy');
    }
    if (policy.kind === 'public') return true;
    try {
      return await this.decide(policy, req);
    } catch (refusal) {
      const minPosition = req.query.minPosition;
      if (minPosition === undefined || !(refusal instanceof UnauthorizedException || refusal instanceof NotFoundException)) throw refusal;
      // No token at all: no key the log could be about to hold, so nothing to wait for (a client
      // without one could otherwise hold a connection open for the whole wait, again and again).
      if (req.header('authorization') === undefined) throw refusal;
      // Nor for a position no write returned (a made-up token with ?minPosition=99999999 held a connection 5 s, then 503).
      if (await this.freshness.unreachable(String(minPosition))) throw refusal;
      await this.freshness.await(String(minPosition));
      return this.decide(policy, req, await this.authenticator.resolve(req.header('authorization'))); // looked up again: the key may be new
    }
  }

  private async decide(
    policy: Exclude<AccessPolicy, { kind: 'public' }>, req: AuthenticatedRequest, looked?: Principal,
  ): Promise<boolean> {
    const principal = looked ?? (await this.authenticator.principalOf(req));
    if (!principal) throw new UnauthorizedException('a valid bearer token is required');
    req.principal = principal;
    req.actor = { id: principal.keyId, role: principal.role, ...(principal.partyId ? { partyId: principal.partyId } : {}) };
    if (principal.role === 'office') return true;
    if (policy.kind === 'office' || !policy.roles.includes(principal.role)) {
      throw new ForbiddenException(`the ${principal.role} role may not do this`);
    }
    // Read as the route's pipe will (ids in lower case); one that is no id at all names nothing of the
    // caller's, and never reaches a query (a NUL in it was a 500 from PostgreSQL).
    const id = ledgerId(String(req.params[policy.param]));
    if (policy.kind === 'own-party') {
      if (id === undefined || principal.partyId !== id) throw new NotFoundException('not found');
      return true;
    }
    if (id === undefined) throw new NotFoundException('no such license');
    const parties = await this.access.licenseParties(id);
    const allowed = principal.role === 'licensee' ? parties?.licenseeId === principal.partyId : parties?.earners.has(principal.partyId ?? '');
    if (!allowed) throw new NotFoundException(`license ${id} not found`);
    return true;
  }
}
