/** Lines of an NDJSON export, written by hand: the events `ledger-cli import` takes, and the end line. */
const metadata = { actor: { id: 'office', role: 'office' }, correlationId: 'c', causationId: 'c', recordedAt: '2026-11-30T00:00:00.000Z' };

/** Party `n` registered, at position n, on a stream of its own. */
export const partyLine = (n: number) => JSON.stringify({
  position: String(n), streamId: `party-${n}`, revision: '0', id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'PartyRegistered', data: { partyId: `${n}`, name: `Party ${n}`, kind: 'company' }, metadata,
});

/** An export of parties 1 to `events`, with its end line. */
export const partiesExport = (events: number) =>
  `${[...Array.from({ length: events }, (_, i) => partyLine(i + 1)), JSON.stringify({ endOfExport: { events } })].join('\n')}\n`;
