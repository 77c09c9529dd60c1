import { isCurrencyCode, minorUnit } from '../money/currency';
import { parseDecimal } from '../money/decimal';
import { formatAmount } from '../money/money';
import { requireDate, requireDateByToday } from '../licensing/calendar';
import { Decider, DomainEvent } from '../shared/decider';
import { DomainError, requireText } from '../shared/domain-error';
import { ShareLine, validateShareTable } from './shares';

export const patentStream = (patentId: string) => `patent-${patentId}`;

export interface PatentData {
  patentId: string;
  title: string;
  number: string;
  jurisdiction: string;
  filedOn: string;
  expiresOn: string;
  owners: ShareLine[];
  inventors: ShareLine[];
}

export interface PatentCost {
  patentId: string;
  costId: string;
  /** The owner who paid the cost (and may recover it from its income under its policy). */
  partyId: string;
  amount: string;
  currency: string;
  incurredOn: string;
  description: string;
}

/** `knownParties`: the ids of registered parties among owners and inventors, found by the handler. */
export type RegisterPatent = { type: 'RegisterPatent'; data: PatentData & { knownParties: string[] } };
/** `today`: the request's day; a cost is recorded once incurred (not kept in the event). */
export type RecordPatentCost = { type: 'RecordPatentCost'; data: PatentCost & { today: string } };
export type PatentCommand = RegisterPatent | RecordPatentCost;

export type PatentRegistered = DomainEvent<'PatentRegistered', PatentData>;
export type PatentCostRecorded = DomainEvent<'PatentCostRecorded', PatentCost>;
export type PatentEvent = PatentRegistered | PatentCostRecorded;

export type RegisteredPatent = PatentData & { registered: true; costs: PatentCost[] };
export type PatentState = { registered: false } | RegisteredPatent;

function requireKnown(table: ShareLine[], field: string, known: ReadonlySet<string>): void {
  table.forEach((line, i) => {
    if (!known.has(line.partyId)) {
      const f = `${field}[${i}].partyId`;
      throw new DomainError('unknown-party', `${f}: party ${line.partyId} is not registered`, 'rule', f);
    }
  });
}

function register(data: RegisterPatent['data'], state: PatentState): PatentEvent[] {
  if (state.registered) {
    throw new DomainError('patent-exists', `patent ${state.number} of ${state.jurisdiction} is already registered, as ${state.patentId}`, 'conflict', 'number');
  }
  const title = requireText(data.title, 'title');
  const number = requireText(data.number, 'number');
  const jurisdiction = requireText(data.jurisdiction, 'jurisdiction');
  // The patent's id is made from its letters and digits (patentIdOf): a number of neither names no patent.
  if (!/[\p{L}\p{N}]/u.test(number)) throw new DomainError('invalid-patent-number', 'number: a patent number holds letters or digits', 'rule', 'number');
  if (!/[\p{L}\p{N}]/u.test(jurisdiction)) throw new DomainError('invalid-jurisdiction', 'jurisdiction: a patent office\'s code holds letters or digits', 'rule', 'jurisdiction');
  const filedOn = requireDate(data.filedOn, 'filedOn');
  const expiresOn = requireDate(data.expiresOn, 'expiresOn');
  if (filedOn >= expiresOn) {
    throw new DomainError('expiry-not-after-filing', 'expiresOn must be after filedOn', 'rule', 'expiresOn');
  }
  const owners = validateShareTable(data.owners, 'owners');
  const inventors = validateShareTable(data.inventors, 'inventors');
  const known = new Set(data.knownParties);
  requireKnown(owners, 'owners', known);
  requireKnown(inventors, 'inventors', known);
  return [
    { type: 'PatentRegistered', data: { patentId: data.patentId, title, number, jurisdiction, filedOn, expiresOn, owners, inventors } },
  ];
}

function recordCost(data: RecordPatentCost['data'], state: PatentState): PatentEvent[] {
  if (!state.registered) throw new DomainError('patent-not-found', `patent ${data.patentId} is not registered`, 'not-found');
  if (state.costs.some((c) => c.costId === data.costId)) {
    throw new DomainError('cost-exists', `cost ${data.costId} is already recorded`, 'conflict', 'costId');
  }
  if (!state.owners.some((o) => o.partyId === data.partyId)) {
    throw new DomainError('not-an-owner', `party ${data.partyId} does not own patent ${state.patentId}`, 'rule', 'partyId');
  }
  if (!isCurrencyCode(data.currency)) {
    throw new DomainError('unknown-currency', 'currency must be an ISO 4217 code such as "CNY"', 'rule', 'currency');
  }
  const amount = parseDecimal(data.amount, 'amount', { maxScale: minorUnit(data.currency) });
  if (amount.eq(0)) throw new DomainError('amount-not-positive', 'amount must be greater than 0', 'rule', 'amount');
  // Recovery takes a cost from income by log position: one dated ahead would be recovered before it is spent.
  const incurredOn = requireDateByToday(data.incurredOn, data.today, 'incurredOn');
  const description = requireText(data.description, 'description');
  return [
    {
      type: 'PatentCostRecorded',
      data: {
        patentId: state.patentId, costId: data.costId, partyId: data.partyId,
        amount: formatAmount(amount, data.currency), currency: data.currency, incurredOn, description,
      },
    },
  ];
}

export const patentDecider: Decider<PatentCommand, PatentEvent, PatentState> = {
  initialState: () => ({ registered: false }),

  decide(command, state) {
    switch (command.type) {
      case 'RegisterPatent':
        return register(command.data, state);
      case 'RecordPatentCost':
        return recordCost(command.data, state);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PatentRegistered':
        return { registered: true, ...event.data, costs: [] };
      case 'PatentCostRecorded':
        return state.registered ? { ...state, costs: [...state.costs, event.data] } : state;
      default:
        return state;
    }
  },
};
