import { DomainError } from '../shared/domain-error';
import { fold } from '../shared/decider';
import { PartyEvent, RegisterParty, partyDecider } from './party';

const given = (events: PartyEvent[]) => ({
  when: (command: RegisterParty) => () => partyDecider.decide(command, fold(partyDecider, events)),
});
const register: RegisterParty = { type: 'RegisterParty', data: { partyId: 'u', name: ' Eastlake University ', kind: 'university' } };

describe('party decider', () => {
  it('registers a new party with a trimmed name', () => {
    expect(given([]).when(register)()).toEqual([
      { type: 'PartyRegistered', data: { partyId: 'u', name: 'Eastlake University', kind: 'university' } },
    ]);
  });

  it('refuses to register the same party twice, as a conflict', () => {
    const then = given([{ type: 'PartyRegistered', data: { partyId: 'u', name: 'Eastlake University', kind: 'university' } }]);
    expect(then.when(register)).toThrow(expect.objectContaining({ code: 'party-exists', kind: 'conflict' }));
  });

  it('refuses a blank name, naming the field', () => {
    const blank: RegisterParty = { ...register, data: { ...register.data, name: '   ' } };
    const error = (() => { try { given([]).when(blank)(); } catch (e) { return e; } })() as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.field).toBe('name');
  });
});
