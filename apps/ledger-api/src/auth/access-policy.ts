import { SetMetadata } from '@nestjs/common';

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

export const Access = (policy: AccessPolicy) => SetMetadata(ACCESS_POLICY, policy);
export const Public = () => Access({ kind: 'public' });
export const OfficeOnly = () => Access({ kind: 'office' });
export const OwnParty = (...roles: ('partner' | 'licensee')[]) => Access({ kind: 'own-party', param: 'id', roles });
export const LicenseAccess = (...roles: ('partner' | 'licensee')[]) => Access({ kind: 'license', param: 'id', roles });
