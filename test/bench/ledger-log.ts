/**
 * Grows a benchmark ledger to a given size fast: the same deciders and allocation rules as the API
 * and the distribution process manager decide every event, but events are appended a hundred reports
 * per transaction instead of one request at a time (the API's own rate is measured separately).
 */
import { randomUUID } from 'node:crypto';
import {
  DistributionState, LicenseState, RoyaltyAssessment, SubmitSalesReport, distributionDecider, licenseDecider, licenseStream, partyStream,
} from '../../libs/domain/src';
import { EventStore, NewEvent } from '../../libs/event-store/src/port';
import { PolicyVersion, deciderFold, partyFacts, patentFacts, streamStatesOf } from '../../libs/ledger/src';
import { saveCheckpoint } from '../../libs/ledger/src/projections/checkpoints';
import { ReadModelDb } from '../../libs/ledger/src/read-model/read-model-db';
import {
  allocationCommand, allocationEventId, allocationPatents, assessmentSource,
} from '../../libs/ledger/src/revenue-sharing/distribution.process-manager';
import { Cast, benchLine, period } from './bench-cast';

const BLOCK = 100;
const TODAY = '2026-11-28';

const meta = (actor: { id: string; role: string }, correlationId: string, causationId: string) =>
  ({ actor, correlationId, causationId, recordedAt: new Date().toISOString() });

/**
 * Appends `reports[i]` monthly reports to license i, oldest month first, a block of months across
 * all licenses at a time, with every licensor's allocation of every assessment. Returns the number
 * of events appended.
 */
export async function appendReports(
  store: EventStore, readModels: ReadModelDb, cast: Cast, reports: number[], months: number, progress: (events: number) => void,
): Promise<number> {
  const states = streamStatesOf(store);
  const licenses = await Promise.all(cast.licenses.map(async (l) => {
    const { value, revision } = await states.load(licenseStream(l.id), deciderFold(licenseDecider));
    const patents = [await patentFacts(store, cast.patents[l.patent])];
    return { ...l, state: value as LicenseState, revision: revision as bigint, patents };
  }));
  const parties = new Map<string, { state: DistributionState; revision: bigint | undefined; policies: PolicyVersion[] }>();
  for (const id of [cast.university, cast.company]) {
    const { policies, allocations } = await partyFacts(store, id);
    parties.set(id, { state: allocations.value, revision: allocations.revision, policies });
  }
  const licensee = { id: cast.licensee, role: 'licensee' };
  const manager = { id: 'distribution-process-manager', role: 'system' };
  let appended = 0;
  const longest = Math.max(0, ...reports);
  for (let block = 0; block < longest; block += BLOCK) {
    for (const [i, license] of licenses.entries()) {
      const count = Math.min(reports[i] ?? 0, block + BLOCK) - block;
      if (count <= 0) continue;
      const events: NewEvent[] = [];
      for (let k = block; k < block + count; k++) {
        const reportId = randomUUID();
        const command: SubmitSalesReport = {
          type: 'SubmitSalesReport',
          data: { reportId, assessmentId: randomUUID(), period: period(k, months), lines: [benchLine(k + i * 7)], today: TODAY },
        };
        for (const e of licenseDecider.decide(command, license.state)) {
          license.state = licenseDecider.evolve(license.state, e);
          events.push({ id: randomUUID(), type: e.type, data: e.data, metadata: meta(licensee, reportId, reportId) });
        }
      }
      const stream = licenseStream(license.id);
      const { nextRevision } = await store.append(stream, events, { expectedRevision: license.revision });
      const recorded = await store.readStream(stream, { fromRevision: license.revision + 1n });
      license.revision = nextRevision;
      appended += events.length;

      const allocations = new Map<string, NewEvent[]>();
      for (const assessed of recorded.filter((e) => e.type === 'RoyaltyAssessed')) {
        const assessment = assessed.data as RoyaltyAssessment;
        const source = assessmentSource(assessed);
        for (const share of assessment.allocations) {
          const party = parties.get(share.partyId);
          if (!party) throw new Error(`unexpected licensor ${share.partyId}`);
          const command = allocationCommand(assessed, source, share.partyId, share.amount, assessment, allocationPatents(license.patents, assessed.position), party.policies);
          const decided = distributionDecider.decide(command, party.state);
          decided.forEach((e, n) => {
            party.state = distributionDecider.evolve(party.state, e);
            const list = allocations.get(share.partyId) ?? [];
            list.push({ id: allocationEventId(command.data.allocationId, n), type: e.type, data: e.data, metadata: meta(manager, assessed.metadata.correlationId, assessed.id) });
            allocations.set(share.partyId, list);
          });
        }
      }
      for (const [partyId, list] of allocations) {
        const party = parties.get(partyId)!;
        party.revision = (await store.append(partyStream(partyId), list, { expectedRevision: party.revision ?? 'no_stream' })).nextRevision;
        appended += list.length;
      }
      progress(appended);
    }
  }
  // This generator did the distribution process manager's work: it must not do it again.
  const head = await store.headPosition();
  await readModels.transaction((tx) => saveCheckpoint(tx, 'distribution', head));
  return appended;
}
