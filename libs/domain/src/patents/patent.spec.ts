import { InvalidDecimal } from '../money/decimal';
import { fold } from '../shared/decider';
import { PatentCommand, PatentEvent, patentDecider, RecordPatentCost, RegisterPatent } from './patent';

const given = (events: PatentEvent[]) => ({
  when: (command: PatentCommand) => () => patentDecider.decide(command, fold(patentDecider, events)),
});
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return e as { code?: string; kind?: string; field?: string };
  }
  throw new Error('expected a refusal');
};

const register = (data: Partial<RegisterPatent['data']> = {}): RegisterPatent => ({
  type: 'RegisterPatent',
  data: {
    patentId: 'p1', title: ' Compliant surgical gripper ', number: 'CN202510000001.2', jurisdiction: 'CN',
    filedOn: '2023-03-01', expiresOn: '2043-03-01',
    owners: [{ partyId: 'u', sharePercent: '60' }, { partyId: 'c', sharePercent: '40' }],
    inventors: [{ partyId: 'lin', sharePercent: '50' }, { partyId: 'chen', sharePercent: '50' }],
    knownParties: ['u', 'c', 'lin', 'chen', 'dept'],
    ...data,
  },
});
const registered = given([]).when(register())();
const cost = (data: Partial<RecordPatentCost['data']> = {}): RecordPatentCost => ({
  type: 'RecordPatentCost',
  data: { patentId: 'p1', costId: 'k1', partyId: 'u', amount: '12000', currency: 'CNY', incurredOn: '2024-05-01', description: 'filing fees', today: '2026-11-30', ...data },
});

describe('patent decider', () => {
  it('registers a patent, echoing its data without the known-party list', () => {
    expect(registered).toEqual([
      {
        type: 'PatentRegistered',
        data: {
          patentId: 'p1', title: 'Compliant surgical gripper', number: 'CN202510000001.2', jurisdiction: 'CN',
          filedOn: '2023-03-01', expiresOn: '2043-03-01',
          owners: [{ partyId: 'u', sharePercent: '60' }, { partyId: 'c', sharePercent: '40' }],
          inventors: [{ partyId: 'lin', sharePercent: '50' }, { partyId: 'chen', sharePercent: '50' }],
        },
      },
    ]);
  });

  it('accepts thirds written 33.34 / 33.33 / 33.33', () => {
    const inventors = [{ partyId: 'lin', sharePercent: '33.34' }, { partyId: 'chen', sharePercent: '33.33' }, { partyId: 'dept', sharePercent: '33.33' }];
    expect(given([]).when(register({ inventors }))()[0].data).toMatchObject({ inventors });
  });

  describe('refuses to register', () => {
    it('the same patent twice (409)', () => {
      expect(refusal(given(registered).when(register()))).toMatchObject({
        code: 'patent-exists', kind: 'conflict', field: 'number', message: 'patent CN202510000001.2 of CN is already registered, as p1',
      });
    });
    it('a number or jurisdiction of no letters or digits, which names no patent (422)', () => {
      expect(refusal(given([]).when(register({ number: ' ./- ' })))).toMatchObject({ code: 'invalid-patent-number', kind: 'rule', field: 'number' });
      expect(refusal(given([]).when(register({ jurisdiction: '-' })))).toMatchObject({ code: 'invalid-jurisdiction', kind: 'rule', field: 'jurisdiction' });
    });
    it('no owners or no inventors', () => {
      expect(refusal(given([]).when(register({ owners: [] })))).toMatchObject({ code: 'shares-empty', field: 'owners' });
      expect(refusal(given([]).when(register({ inventors: [] })))).toMatchObject({ code: 'shares-empty', field: 'inventors' });
    });
    it('a party listed twice', () => {
      const owners = [{ partyId: 'u', sharePercent: '50' }, { partyId: 'u', sharePercent: '50' }];
      expect(refusal(given([]).when(register({ owners })))).toMatchObject({ code: 'duplicate-party', field: 'owners[1].partyId' });
    });
    it('shares that do not sum to exactly 100', () => {
      const inventors = [{ partyId: 'lin', sharePercent: '33.33' }, { partyId: 'chen', sharePercent: '33.33' }, { partyId: 'dept', sharePercent: '33.33' }];
      expect(refusal(given([]).when(register({ inventors })))).toMatchObject({ code: 'shares-not-100', kind: 'rule', field: 'inventors' });
    });
    it('a zero share, or a share that is not a percent', () => {
      const zero = [{ partyId: 'u', sharePercent: '100' }, { partyId: 'c', sharePercent: '0' }];
      expect(refusal(given([]).when(register({ owners: zero })))).toMatchObject({ code: 'share-not-positive', field: 'owners[1].sharePercent' });
      const bad = [{ partyId: 'u', sharePercent: '60%' }];
      expect(refusal(given([]).when(register({ owners: bad })))).toBeInstanceOf(InvalidDecimal);
    });
    it('a party that does not exist', () => {
      const owners = [{ partyId: 'u', sharePercent: '60' }, { partyId: 'ghost', sharePercent: '40' }];
      expect(refusal(given([]).when(register({ owners })))).toMatchObject({ code: 'unknown-party', kind: 'rule', field: 'owners[1].partyId' });
    });
    it('an expiry not after the filing date, or a blank title', () => {
      expect(refusal(given([]).when(register({ expiresOn: '2023-03-01' })))).toMatchObject({ code: 'expiry-not-after-filing', field: 'expiresOn' });
      expect(refusal(given([]).when(register({ filedOn: '2023-13-01' })))).toMatchObject({ code: 'invalid-date', field: 'filedOn' });
      expect(refusal(given([]).when(register({ title: '  ' })))).toMatchObject({ code: 'required', field: 'title' });
    });
  });

  describe('costs', () => {
    it('records a cost paid by an owner, at the currency minor unit, and keeps it in state', () => {
      const events = given(registered).when(cost())();
      expect(events).toEqual([
        { type: 'PatentCostRecorded', data: { patentId: 'p1', costId: 'k1', partyId: 'u', amount: '12000.00', currency: 'CNY', incurredOn: '2024-05-01', description: 'filing fees' } },
      ]);
      const state = fold(patentDecider, [...registered, ...events]);
      expect(state.registered && state.costs.map((c) => c.amount)).toEqual(['12000.00']);
    });
    it('refuses a cost dated after today: it would be recovered from income before it is spent', () => {
      expect(refusal(given(registered).when(cost({ incurredOn: '2026-12-01' })))).toMatchObject({ code: 'date-in-future', kind: 'rule', field: 'incurredOn' });
      expect(given(registered).when(cost({ incurredOn: '2026-11-30' }))()).toHaveLength(1);
    });
    it('refuses a blank description, naming it (it was recorded blank)', () => {
      expect(refusal(given(registered).when(cost({ description: '  ' })))).toMatchObject({ code: 'required', kind: 'rule', field: 'description' });
    });
    it('refuses a cost paid by a party that does not own the patent', () => {
      expect(refusal(given(registered).when(cost({ partyId: 'lin' })))).toMatchObject({ code: 'not-an-owner', kind: 'rule', field: 'partyId' });
    });
    it('refuses a zero amount, or one finer than the minor unit', () => {
      expect(refusal(given(registered).when(cost({ amount: '0' })))).toMatchObject({ code: 'amount-not-positive', field: 'amount' });
      expect(refusal(given(registered).when(cost({ amount: '10.5', currency: 'JPY' })))).toMatchObject({ field: 'amount' });
      expect(refusal(given(registered).when(cost({ currency: 'ABC' })))).toMatchObject({ code: 'unknown-currency', field: 'currency' });
    });
    it('refuses a cost on an unregistered patent (404) or recorded twice (409)', () => {
      expect(refusal(given([]).when(cost()))).toMatchObject({ code: 'patent-not-found', kind: 'not-found' });
      const once = [...registered, ...given(registered).when(cost())()];
      expect(refusal(given(once).when(cost()))).toMatchObject({ code: 'cost-exists', kind: 'conflict' });
    });
  });
});
