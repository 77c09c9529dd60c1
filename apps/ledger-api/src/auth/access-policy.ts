import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';

export const ACCESS_POLICY = 'ledger:access-policy';

/**
 * Who may call a route, declared on the route itself and enforced by the one AccessGuard. Every route
 * declares one (a test walks the route table); `office` may always act.
 * - public: no token (health, docs, metrics)
 * - office: technology-transfer office only
 * - own-party: the party named by the path parameter, with one of `roles`
 * - license: the license named by the path parameter; `licensee` = its licensee, `partner` = a party earning from it
 */
export type AccessPolicy =
  | { kind: 'public' }
  | { kind: 'office' }
  | { kind: 'own-party'; param: string; roles: readonly ('partner' | 'licensee')[] }
  | { kind: 'license'; param: string; roles: readonly ('partner' | 'licensee')[] };

/** The security scheme bootstrap registers in the OpenAPI document for these tokens. */
export const BEARER_SCHEME = 'bearer';

/** The policy, and OpenAPI told the same: every route but a public one needs the bearer token. */
export const Access = (policy: AccessPolicy) =>
  policy.kind === 'public' ? SetMetadata(ACCESS_POLICY, policy) : applyDecorators(SetMetadata(ACCESS_POLICY, policy), ApiBearerAuth(BEARER_SCHEME));
export const Public = () => Access({ kind: 'public' });
export const OfficeOnly = () => Access({ kind: 'office' });
export const OwnParty = (...roles: ('partner' | 'licensee')[]) => Access({ kind: 'own-party', param: 'id', roles });
export const LicenseAccess = (...roles: ('partner' | 'licensee')[]) => Access({ kind: 'license', param: 'id', roles });
