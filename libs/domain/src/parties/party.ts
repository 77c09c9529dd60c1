import { Decider, DomainEvent } from '../shared/decider';
import { DomainError } from '../shared/domain-error';

export const PARTY_KINDS = ['university', 'institute', 'company', 'person', 'department', 'other'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

export const partyStream = (partyId: string) => `party-${partyId}`;

export type RegisterParty = { type: 'RegisterParty'; data: { partyId: string; name: string; kind: PartyKind } };
export type PartyCommand = RegisterParty;

export type PartyRegistered = DomainEvent<'PartyRegistered', { partyId: string; name: string; kind: PartyKind }>;
export type PartyEvent = PartyRegistered;

export type PartyState = { registered: false } | { registered: true; partyId: string; name: string; kind: PartyKind };

export const partyDecider: Decider<PartyCommand, PartyEvent, PartyState> = {
  initialState: () => ({ registered: false }),

  decide(command, state) {
    switch (command.type) {
      case 'RegisterParty': {
        if (state.registered) {
          throw new DomainError('party-exists', `party ${command.data.partyId} is already registered`, 'conflict');
        }
        const name = command.data.name.trim();
        if (name.length === 0) throw new DomainError('party-name-empty', 'name must not be blank', 'rule', 'name');
        return [{ type: 'PartyRegistered', data: { ...command.data, name } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PartyRegistered':
        return { registered: true, ...event.data };
      default:
        return state;
    }
  },

  // Its state is small, but its stream is a university's allocations too: without a snapshot a restart reads them all.
  snapshot: {
    name: 'party',
    version: 1,
    encode: (state) => state,
    decode(snapshot) {
      const s = snapshot as PartyState;
      if (typeof s?.registered !== 'boolean' || (s.registered && typeof s.partyId !== 'string')) throw new Error('not a party snapshot');
      return s;
    },
  },
};
