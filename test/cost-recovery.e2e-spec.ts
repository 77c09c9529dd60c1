import { DistributionProcessManager, ProjectionRunner } from '@ledger/ledger';
import { RecordedEvent } from '@ledger/event-store';
import { LedgerUnderTest, startLedger } from './support/ledger-app';
import { party, post } from './support/worked-example';

/**
 * Patent-cost recovery reads the costs recorded before the income it recovers from: how far behind the
 * process manager runs must never change an allocation, or the same log would allocate differently
 * live and after an import.
 */
describe('patent-cost recovery, whenever the process manager gets to the income', () => {
  let ledger: LedgerUnderTest;

  beforeEach(async () => {
    ledger = await startLedger('sqlite');
  });
  afterEach(() => ledger.close());

  async function licenseWithFee(policyAfterCost = false) {
    const university = await party(ledger, 'Eastlake University', 'university');
    const lin = await party(ledger, 'Dr Lin', 'person');
    const licensee = await party(ledger, 'Brightpath Medical', 'company');
    await ledger.http.put(`/parties/${university}/distribution-policy`).send({
      adminFeePercent: '0', recoverPatentCosts: true, shares: [{ beneficiary: 'inventors', sharePercent: '50' }],
    }).expect(200);
    const { id: patent } = await post<{ id: string }>(ledger, '/patents', {
      title: 'Compliant gripper', number: 'CN2024100001.X', jurisdiction: 'CN', filedOn: '2024-01-15', expiresOn: '2044-01-15',
      owners: [{ partyId: university, sharePercent: '100' }], inventors: [{ partyId: lin, sharePercent: '100' }],
    });
    const cost = () => post(ledger, `/patents/${patent}/costs`, { partyId: university, amount: '400.00', currency: 'CNY', incurredOn: '2024-05-01', description: 'filing fees' });
    if (policyAfterCost) await cost();
    await post(ledger, '/licenses', {
      licenseeId: licensee, patentIds: [patent], territories: ['CN'], fieldOfUse: 'robotics', exclusive: true,
      effectiveOn: '2025-01-01', expiresOn: '2034-12-31', currency: 'CNY', royalty: { tiers: [{ ratePercent: '3' }], tierBasis: 'calendar-year', upfrontFee: '1000.00' },
    });
    if (!policyAfterCost) await cost();
    return { university, lin };
  }

  const allocated = async (partyId: string) => (await ledger.store.readStream(`party-${partyId}`))
    .filter((e) => e.type === 'DistributionAllocated')
    .map((e) => (e.data as { lines: { role: string; amount: string }[] }).lines.map((l) => `${l.role} ${l.amount}`));

  it('does not recover a cost recorded after the fee, though the process manager reads it before allocating the fee', async () => {
    await ledger.app.get(ProjectionRunner).stop(); // the process manager lags behind the log
    const { university } = await licenseWithFee();
    const manager = ledger.app.get(DistributionProcessManager);
    const sources = (await ledger.store.readAll()).filter((e: RecordedEvent) => manager.handles.has(e.type));
    expect(sources.map((e) => e.type)).toEqual(['RoyaltyAssessed']);
    await manager.handle(sources);
    expect(await allocated(university)).toEqual([['inventor 500.00', 'retained 500.00']]);
  });

  it('recovers a cost recorded before the fee', async () => {
    const { university } = await licenseWithFee(true);
    await ledger.settled();
    expect(await allocated(university)).toEqual([['cost-recovery 400.00', 'inventor 300.00', 'retained 300.00']]);
  });
});
