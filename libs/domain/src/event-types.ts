import { ApiKeyEvent } from './access/api-key';
import { DistributionEvent } from './distribution/types';
import { EquityEvent } from './equity-deals/types';
import { LicenseEvent } from './licensing/license/events';
import { PartyEvent } from './parties/party';
import { PatentEvent } from './patents/patent';

/** Every fact the ledger records, across its streams. */
export type LedgerEvent = PartyEvent | PatentEvent | LicenseEvent | DistributionEvent | EquityEvent | ApiKeyEvent;

// Every type once, and nothing else: the compiler refuses a missing or unknown key.
const TYPES = {
  PartyRegistered: true, ApiKeyIssued: true, ApiKeyRevoked: true,
  PatentRegistered: true, PatentCostRecorded: true,
  LicenseGranted: true, SalesReportSubmitted: true, SalesReportRestated: true, RoyaltyAssessed: true, MilestoneAchieved: true,
  RoyaltyYearClosed: true, PaymentReceived: true, LicenseTerminated: true,
  DistributionPolicySet: true, DistributionAllocated: true, PayoutRecorded: true,
  EquityStakeGranted: true, EquityAwarded: true, FundingRoundRecorded: true, AntiDilutionTopUpIssued: true, AntiDilutionEnded: true,
  EquityLiquidated: true,
} satisfies Record<LedgerEvent['type'], true>;

/**
 * The event types at run time: what an import may bring in. An event of another type (a misspelt
 * `RoyaltyAssesed`) is read by no projection, so its figures would silently go missing.
 */
export const LEDGER_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(TYPES));
