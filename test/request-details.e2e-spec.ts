import { randomUUID } from 'node:crypto';
import { LedgerUnderTest, eventCount, startLedger } from './support/ledger-app';
import { post, registerCast, workedLicenseTerms } from './support/worked-example';

/** The finer points of the API contract a client meets: query dates, content negotiation, field names in errors. */
describe('request details', () => {
  let ledger: LedgerUnderTest;
  let cast: Awaited<ReturnType<typeof registerCast>>;
  let license: string;

  beforeAll(async () => {
    // A long wait for positions, so that a refusal that waited for one could not pass for a quick one on a slow machine.
    ledger = await startLedger('sqlite', { MIN_POSITION_WAIT_MS: '10000' });
    cast = await registerCast(ledger);
    await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send({
      adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent: '50' }] }).expect(200);
    license = (await post<{ id: string }>(ledger, '/licenses', workedLicenseTerms(cast))).id;
    await ledger.settled();
  }, 60000);
  afterAll(() => ledger.close());

  it('tells caches to keep a read only for its client and to check it again, and nothing of a write', async () => {
    // Before, no answer said: a partner's statement could be kept by a cache between them and the ledger.
    const statement = await ledger.http.get(`/parties/${cast.university}/statement`).expect(200);
    const key = await ledger.http.post('/api-keys').send({ partyId: cast.lin, role: 'partner' }).expect(201); // answers the token
    const refused = await ledger.as('rlk_not-a-real-token-at-all-000000').get(`/parties/${cast.lin}`).expect(401);
    expect([statement, key, refused].map((res) => res.headers['cache-control'])).toEqual(['private, no-cache', 'no-store', 'private, no-cache']);
    // The statement is still checked by its ETag, the cache's to use.
    await ledger.http.get(`/parties/${cast.university}/statement`).set('If-None-Match', statement.headers.etag).expect(304);
  });

  const problem = (status: number, field: string) => expect.objectContaining({ status, errors: [expect.objectContaining({ field })] });

  it.each([
    ['from=2025-13-01', 'from'],
    ['from=2025-02-30', 'from'],
    ['to=2025-02-29', 'to'],
    ['from=2025-12-01&to=2025-01-01', 'to'],
    ['asOf=2025-02-30', 'asOf'],
  ])('refuses a statement ?%s naming %s (400)', async (query, field) => {
    const res = await ledger.http.get(`/parties/${cast.lin}/statement?${query}`);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toEqual(problem(400, field));
  });

  it.each([
    ['asof=2020-01-01', 'asof'],
    ['form=2025-04-01', 'form'],
    ['from=2025-04-01&To=2025-06-30', 'To'],
  ])('refuses a statement ?%s, a parameter it does not take, naming %s (400), instead of ignoring it', async (query, field) => {
    // Before, a misspelt asOf or from was dropped: the current, unfiltered statement answered 200 as if it were the one asked for.
    const res = await ledger.http.get(`/parties/${cast.lin}/statement?${query}`);
    expect(res.body).toEqual(problem(400, field));
    expect(res.body.errors[0].message).toContain('asOf, from, minPosition, to');
  });

  it.each([['from=2025-01-01&from=2025-04-01', 'from'], ['minPosition=1&minPosition=2', 'minPosition']])(
    'refuses a statement ?%s, one parameter given twice, naming %s (400)', async (query, field) => {
      // Before: "from must be a real calendar date", of two real dates.
      const res = await ledger.http.get(`/parties/${cast.lin}/statement?${query}`);
      expect(res.body).toEqual(problem(400, field));
      expect(res.body.errors[0].message).toBe(`${field} must be given once, as one value`);
    });

  it('takes ?minPosition= on any route, as the access guard waits for it to decide a new key', async () => {
    await ledger.http.get(`/licenses/${license}?minPosition=0`).expect(200);
    await ledger.http.post('/parties?minPosition=0').send({ name: 'Westlake', kind: 'university' }).expect(201);
    expect((await ledger.http.post('/parties?dryRun=true').send({ name: 'Westlake', kind: 'university' })).body).toEqual(problem(400, 'dryRun'));
    // Probes and scrapers may add their own: health and metrics are no ledger reads to get wrong.
    await ledger.as().get('/health?probe=liveness').expect(200);
    await ledger.as().get('/metrics?scrape=1').expect(200);
  });

  it('reads a statement asOf an instant whose offset\'s + came unencoded, as a URL query makes it a space', async () => {
    // Before, ?asOf=2025-06-30T12:00:00+08:00 typed as such was 400 "asOf must be a date YYYY-MM-DD or an ISO instant".
    const res = await ledger.http.get(`/parties/${cast.lin}/statement?asOf=2025-06-30T12:00:00+08:00`).expect(200);
    expect(res.body.asOf).toBe('2025-06-30T04:00:00.000Z');
  });

  it('refuses a cap table as of a date that does not exist (400)', async () => {
    expect((await ledger.http.get(`/equity-deals/${randomUUID()}?asOf=2025-02-30`)).body).toEqual(problem(400, 'asOf'));
  });

  it('answers a statement in the type the client ranks first', async () => {
    const ranked = async (accept: string) => (await ledger.http.get(`/parties/${cast.lin}/statement`).set('Accept', accept).expect(200)).headers['content-type'];
    expect(await ranked('application/json;q=1, text/csv;q=0.1')).toMatch(/^application\/json/);
    expect(await ranked('text/csv')).toMatch(/^text\/csv/);
    expect(await ranked('text/csv;q=0.9, application/json;q=0.2')).toMatch(/^text\/csv/);
    expect(await ranked('*/*')).toMatch(/^application\/json/);
  });

  it.each([
    [[{ beneficiary: 'inventors', sharePercent: '30' }, { beneficiary: 'inventors', sharePercent: '20' }], 'shares[1].beneficiary'],
    [[{ beneficiary: 'inventors', sharePercent: '80' }, { beneficiary: 'SCHOOL', sharePercent: '30' }], 'shares'],
  ])('names a flat policy table\'s field as sent: %j → %s', async (shares, field) => {
    const body = { adminFeePercent: '10', recoverPatentCosts: false, shares: shares.map((s) => ({ ...s, beneficiary: s.beneficiary === 'SCHOOL' ? cast.school : s.beneficiary })) };
    const res = await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send(body).expect(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
    expect(res.body.detail).not.toContain('bands');
  });

  it('names every royalty term problem by its own field (422), appending nothing', async () => {
    const before = await eventCount(ledger.store);
    const terms = workedLicenseTerms(cast);
    const res = await ledger.http.post('/licenses').send({ ...terms, fieldOfUse: 'bad terms', currency: 'JPY', royalty: {
      ...terms.royalty, tiers: [{ upTo: '100', ratePercent: '2' }, { upTo: '50', ratePercent: '3' }], minimumAnnual: '10.5', milestones: undefined,
    } }).expect(422);
    // Before, one entry named royalty.tiers[1].upTo with all three messages joined: a form marked one field for three problems.
    expect(res.body.errors).toEqual([
      { field: 'royalty.tiers[1].upTo', message: expect.stringMatching(/^royalty\.tiers\[1\]\.upTo must be absent/) },
      { field: 'royalty.minimumAnnual', message: 'royalty.minimumAnnual must have at most 0 decimal places' },
      { field: 'royalty.upfrontFee', message: 'royalty.upfrontFee must have at most 0 decimal places' },
    ]);
    expect(await eventCount(ledger.store)).toBe(before);
  });

  it('refuses a license without royalty terms as a missing field (400), appending nothing', async () => {
    const before = await eventCount(ledger.store);
    const { royalty: _royalty, ...terms } = workedLicenseTerms(cast);
    const res = await ledger.http.post('/licenses').send({ ...terms, fieldOfUse: 'no royalty' }).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'royalty', message: 'royalty is required' })]);
    expect(await eventCount(ledger.store)).toBe(before);
  });

  it('shows from and to in every statement (null when not asked), and a shortfall\'s year in CSV', async () => {
    const res = await ledger.http.get(`/parties/${cast.lin}/statement`).expect(200);
    expect(res.body).toMatchObject({ from: null, to: null });
    const csv = await ledger.http.get(`/parties/${cast.lin}/statement`).set('Accept', 'text/csv').expect(200);
    expect(csv.text.split('\n')[0]).toBe('date,kind,role,amount,currency,licenseId,dealId,allocationId,sourceEventId,reportId,period,milestone,policyVersion,year,payoutId,reference,recordedAt,liquidityId');
  });

  it('refuses a payment dated after today and a rate on a line in the license currency (422, naming the field)', async () => {
    const license = (await ledger.http.get(`/parties/${cast.brightpath}`).expect(200)) && (await post<{ id: string }>(ledger, '/licenses', { ...workedLicenseTerms(cast), fieldOfUse: 'payments' })).id;
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const future = await ledger.http.post(`/licenses/${license}/payments`).send({ amount: '100.00', currency: 'CNY', receivedOn: tomorrow, reference: 'wire' }).expect(422);
    expect(future.body).toMatchObject({ code: 'date-in-future', errors: [expect.objectContaining({ field: 'receivedOn' })] });
    const line = { product: 'P', territory: 'CN', units: '1', grossSales: '100.00', deductions: '0.00', fxRate: '7' };
    const rated = await ledger.http.post(`/licenses/${license}/sales-reports`).send({ period: '2025-Q1', lines: [line] }).expect(422);
    expect(rated.body.errors).toEqual([expect.objectContaining({ field: 'lines[0].fxRate' })]);
  });

  it('names each field problem once: a missing amount or currency fails its type and its pattern with one message', async () => {
    const res = await ledger.http.post('/licenses').send({}).expect(400);
    const problems = (res.body.errors as { field: string; message: string }[]).map((e) => `${e.field}: ${e.message}`);
    expect(problems).toEqual([...new Set(problems)]);
    expect(problems.filter((p) => p.startsWith('currency:'))).toHaveLength(1); // twice before
  });

  it('names a field of the wrong type by its type alone, without sizes and lengths that do not apply to what was sent', async () => {
    // Before, lines: "x" was told it must contain at least 1 and no more than 1000 elements, be an array, and hold objects.
    const report = await ledger.http.post(`/licenses/${license}/sales-reports`).send({ period: '2025-Q1', lines: 'x' }).expect(400);
    expect(report.body.errors).toEqual([{ field: 'lines', message: 'lines must be an array' }]);
    const party = await ledger.http.post('/parties').send({ name: 42, kind: 'university' }).expect(400);
    expect(party.body.errors).toEqual([{ field: 'name', message: 'name must be a string' }]);
  });

  it('refuses a made-up token at once, whatever ?minPosition= it asks to wait for, and walks no body before authenticating', async () => {
    // Before: a made-up token with ?minPosition=99999999 held the connection for the whole wait, then 503;
    // and every body was walked before the rate limit and the token were looked at.
    const junk = 'Bearer junkjunkjunkjunkjunkjunk';
    const started = Date.now();
    await ledger.http.get(`/parties/${cast.lin}?minPosition=99999999`).set('Authorization', junk).expect(401);
    await ledger.http.get(`/parties/${cast.lin}?minPosition=abc`).set('Authorization', junk).expect(401);
    expect(Date.now() - started).toBeLessThan(5000); // the wait is 10 s here
    const deep = `{"name":"a","kind":"company","x":${'['.repeat(100)}${']'.repeat(100)}}`;
    await ledger.http.post('/parties').set('Authorization', junk).set('Content-Type', 'application/json').send(deep).expect(401);
    const malformed = await ledger.http.post('/parties').set('Content-Type', 'application/json').send('{"name": ').expect(400);
    // "bad request" at first, then "Malformed JSON" under about:blank: now a field problem naming the body
    expect(malformed.body).toMatchObject({ type: 'urn:problem:validation', title: 'Invalid request', detail: 'the request body is not valid JSON',
      errors: [{ field: 'body', message: 'the request body is not valid JSON' }] });
  });

  it('says what is wrong with a body that is JSON but no object, or not encoded as it says', async () => {
    // Both were 400s that misled: `null` was "not valid JSON"; a plain body sent as gzip was zlib's bare "incorrect header check".
    for (const body of ['null', '42', 'true', '"party"', '[1]', '[{"name":"Listed","kind":"company"}]']) {
      const res = await ledger.http.post('/parties').set('Content-Type', 'application/json').send(body).expect(400);
      expect(res.body).toMatchObject({ type: 'urn:problem:validation', errors: [{ field: 'body', message: 'the request body must be a JSON object' }] });
    }
    const gzip = await ledger.http.post('/parties').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip')
      .send('{"name":"Plain","kind":"company"}').expect(400);
    expect(gzip.body).toMatchObject({ type: 'urn:problem:validation', errors: [{ field: 'body', message: expect.stringContaining('Content-Encoding') }] });
  });

  it('titles a body too large by its status', async () => {
    const res = await ledger.http.post('/parties').set('Content-Type', 'application/json').send(`{"name":"${'x'.repeat(1_100_000)}","kind":"company"}`).expect(413);
    expect(res.body).toMatchObject({ status: 413, title: 'Payload Too Large' });
  });
  it('takes JSON bodies only: a form-encoded or merge-patch body is refused with 415, appending nothing', async () => {
    // Before, `name=Form&kind=company` made a party, and merge-patch JSON was read as no body at all.
    const before = await eventCount(ledger.store);
    const form = await ledger.http.post('/parties').type('form').send('name=Form&kind=company').expect(415);
    expect(form.headers['content-type']).toMatch(/problem\+json/);
    expect(form.body).toMatchObject({ status: 415, title: 'Unsupported Media Type', detail: expect.stringContaining('application/json') });
    await ledger.http.put(`/parties/${cast.university}/distribution-policy`).set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ adminFeePercent: '5' })).expect(415);
    await ledger.http.post('/parties').set('Content-Type', 'application/json; charset=utf-8').send('{"name":"Typed","kind":"company"}').expect(201);
    expect(await eventCount(ledger.store)).toBe(before + 1);
  });

  it('takes a bodyless POST as fetch sends it (Content-Length: 0, no type), and any GET', async () => {
    // The first version of the JSON-only rule refused these with 415: a year's close from fetch, /health from curl.
    await ledger.http.get('/health').set('Content-Length', '0').expect(200);
    const closed = await ledger.http.post(`/licenses/${license}/royalty-years/2025/close`).set('Content-Length', '0').expect(200);
    expect(closed.body).toMatchObject({ shortfall: expect.any(String) });
    await ledger.settled(); // the shortfall's allocations, before the next test counts events
  });

  it('refuses a body nested past 32 levels, or with keys validators never see, naming the field (400, not 500)', async () => {
    const before = await eventCount(ledger.store);
    const deep = `{"name":"a","kind":"company","x":${'['.repeat(3000)}${']'.repeat(3000)}}`; // overflowed the stack: 500
    for (const key of ['', 'dup-deep']) {
      const req = ledger.http.post('/parties').set('Content-Type', 'application/json');
      const res = await (key ? req.set('Idempotency-Key', key) : req).send(deep).expect(400);
      expect(res.body.errors).toEqual([{ field: `x${'[0]'.repeat(31)}`, message: expect.stringContaining('nested deeper than 32 levels') }]);
    }
    for (const key of ['constructor', '__proto__']) { // dropped without a word: every other unknown field is refused
      const res = await ledger.http.post('/parties').set('Content-Type', 'application/json')
        .send(`{"${key}":{"prototype":{"x":1}},"name":"b","kind":"company"}`).expect(400);
      expect(res.body.errors).toEqual([{ field: key, message: `${key} should not exist` }]);
    }
    expect(await eventCount(ledger.store)).toBe(before);
  });
  it('refuses dates and periods before the year 1000, and a beneficiary spelt in capitals, naming the field (400)', async () => {
    // Before, period 0201-Q1 ended on "201-03-31", which compared as after every real date: the report
    // was taken on a license from 2025. Payments dated 0000-01-01 were taken too.
    const before = await eventCount(ledger.store);
    const line = { product: 'P', territory: 'CN', units: '1', grossSales: '100.00', deductions: '0.00' };
    const early = await ledger.http.post(`/licenses/${license}/sales-reports`).send({ period: '0201-Q1', lines: [line] }).expect(400);
    expect(early.body.errors).toEqual([expect.objectContaining({ field: 'period' })]);
    const payment = await ledger.http.post(`/licenses/${license}/payments`).send({ amount: '1.00', currency: 'CNY', receivedOn: '0000-01-01', reference: 'R' }).expect(400);
    expect(payment.body.errors).toEqual([expect.objectContaining({ field: 'receivedOn' })]);
    const shouted = await ledger.http.put(`/parties/${cast.university}/distribution-policy`)
      .send({ adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: 'INVENTORS', sharePercent: '50' }] }).expect(400);
    expect(shouted.body.errors).toEqual([expect.objectContaining({ field: 'shares[0].beneficiary' })]);
    await ledger.settled();
    expect(await eventCount(ledger.store)).toBe(before);
  });
});
