import { describeOnEveryStore, eventCount, LedgerUnderTest, startLedger } from './support/ledger-app';
import { post, registerWorkedExample, salesLine, WorkedExample, workedLicenseTerms } from './support/worked-example';

/**
 * Ids are UUIDs, the same id in either case; a path's id that is no UUID names nothing. Found by the
 * authorization QA pass: an upper-case id was validated and then not found (a partner's own statement
 * 404, a key left active by DELETE), and a NUL in a license's path reached PostgreSQL from the access
 * guard, ahead of the pipes: a 500 for a licensee or partner.
 */
describeOnEveryStore('ids as the client writes them', (kind) => {
  let ledger: LedgerUnderTest;
  let w: WorkedExample;
  let licensee: string;
  let partner: string;

  beforeAll(async () => {
    ledger = await startLedger(kind);
    w = await registerWorkedExample(ledger);
    await post(ledger, `/licenses/${w.license}/sales-reports`, { period: '2025-Q1', lines: [salesLine('520000.00', '40000.00')] });
    // Upper case in a body is the same party: issued to Brightpath and Dr Lin as the ledger writes them.
    const licenseeKey = await post<{ token: string; partyId: string }>(ledger, '/api-keys', { partyId: w.brightpath.toUpperCase(), role: 'licensee' });
    const partnerKey = await post<{ token: string; partyId: string; position: string }>(ledger, '/api-keys', { partyId: w.lin.toUpperCase(), role: 'partner' });
    expect([licenseeKey.partyId, partnerKey.partyId]).toEqual([w.brightpath, w.lin]);
    [licensee, partner] = [licenseeKey.token, partnerKey.token];
    await ledger.http.get(`/parties/${w.lin}?minPosition=${partnerKey.position}`).expect(200);
    await ledger.settled();
  });
  afterAll(async () => { await ledger?.close(); });

  it('finds a path id written in upper case, for the office and for the party it names', async () => {
    const upper = (id: string) => id.toUpperCase();
    expect((await ledger.http.get(`/licenses/${upper(w.license)}`).expect(200)).body.id).toBe(w.license);
    const own = await ledger.as(partner).get(`/parties/${upper(w.lin)}/statement`).expect(200); // before: 404
    expect(own.body.lines.length).toBeGreaterThan(0);
    await ledger.as(licensee).get(`/licenses/${upper(w.license)}/discrepancies`).expect(200);
    // A key revoked by its id in upper case is revoked (before: 404, and the key stayed active).
    const issued = await post<{ id: string; token: string; position: string }>(ledger, '/api-keys', { partyId: w.chen, role: 'partner' });
    await ledger.as(issued.token).get(`/parties/${w.chen}?minPosition=${issued.position}`).expect(200);
    await ledger.http.delete(`/api-keys/${upper(issued.id)}`).expect(200);
    await ledger.as(issued.token).get(`/parties/${w.chen}`).expect(401);
  });

  it('grants a license whose licensee and patents are written in upper case', async () => {
    const terms = { ...workedLicenseTerms(w), licenseeId: w.brightpath.toUpperCase(), patentIds: [w.patent.toUpperCase()], territories: ['DE'], exclusive: false };
    const granted = await post<{ id: string; position: string }>(ledger, '/licenses', terms);
    const read = (await ledger.http.get(`/licenses/${granted.id}?minPosition=${granted.position}`).expect(200)).body;
    expect([read.licenseeId, read.patentIds]).toEqual([w.brightpath, [w.patent]]);
  });

  it('answers 404 to a licensee or partner whose path names no id at all, a NUL in it too, and appends nothing', async () => {
    await ledger.settled(); // the allocations of the grant before
    const before = await eventCount(ledger.store);
    const refusals = [
      await ledger.as(licensee).get('/licenses/%00'),
      await ledger.as(licensee).get('/licenses/abc%00def/events'),
      await ledger.as(partner).get('/licenses/%00/discrepancies'),
      await ledger.as(licensee).post('/licenses/%00/sales-reports').send({ period: '2025-Q3', lines: [salesLine('1.00', '0.00')] }),
      await ledger.as(partner).get('/parties/%00/statement'),
      await ledger.as(licensee).get('/licenses/not-a-license'),
    ];
    expect(refusals.map((res) => [res.status, res.type])).toEqual(refusals.map(() => [404, 'application/problem+json'])); // before, on PostgreSQL: 500
    expect(await eventCount(ledger.store)).toBe(before);
  });

  it('replays a POST sent again to the same route spelt another way, with the same key and body', async () => {
    const body = { name: 'Spelt Twice Ltd', kind: 'company' };
    const first = await ledger.http.post('/parties').set('Idempotency-Key', `spelt-${kind}`).send(body).expect(201);
    for (const path of ['/parties/', '/parties?minPosition=0']) {
      const again = await ledger.http.post(path).set('Idempotency-Key', `spelt-${kind}`).send(body).expect(201); // before: 422 "another request"
      expect([again.headers['idempotent-replayed'], again.body.id]).toEqual(['true', first.body.id]);
    }
    // Another route under the same key is another request still.
    await ledger.http.post('/patents').set('Idempotency-Key', `spelt-${kind}`).send(body).expect(422);
  });
});
