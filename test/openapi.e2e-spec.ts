import { LedgerUnderTest, startLedger } from './support/ledger-app';
import { Route, routeTable } from './support/route-table';
import { post, registerCast, salesLine, workedLicenseTerms } from './support/worked-example';

type Schema = {
  $ref?: string; allOf?: Schema[]; oneOf?: Schema[]; type?: string; nullable?: boolean; enum?: unknown[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema;
  minItems?: number; maxItems?: number;
};
type Operation = {
  security?: Record<string, string[]>[]; parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, string>>; schemas: Record<string, Schema> };
};

/** The OpenAPI document says what the API really asks for: a client generated from it, or Swagger UI, must work. */
describe('OpenAPI document', () => {
  let ledger: LedgerUnderTest;
  let routes: Route[];
  let docs: Document;
  const operation = (route: Route) => docs.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];

  beforeAll(async () => {
    ledger = await startLedger('sqlite');
    routes = routeTable(ledger.app);
    docs = (await ledger.as().get('/docs-json').expect(200)).body as Document;
  });
  afterAll(async () => { await ledger?.close(); });

  it('declares the bearer token on every route the access guard protects, and on no public one', async () => {
    // Before, only /api-keys declared it: Swagger UI's Authorize sent no token elsewhere (401), generated clients neither.
    const declared = routes.map((route) => [route.method, route.path, operation(route)?.security ?? null]);
    expect(declared).toEqual(routes.map((route) => [route.method, route.path, route.policy?.kind === 'public' ? null : [{ bearer: [] }]]));
    // The tokens are opaque API keys (LEDGER_ADMIN_TOKEN, or POST /api-keys), not JWTs.
    expect(docs.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(docs.components.securitySchemes.bearer.bearerFormat).toBeUndefined();
  });

  it('says that request bodies take no field they do not list, nor lists shorter or longer than the API takes', async () => {
    const bodySchema = (path: string, method: string) => {
      const ref = (docs.paths[path][method] as unknown as { requestBody: { content: Record<string, { schema: Schema }> } }).requestBody.content['application/json'].schema.$ref!;
      return docs.components.schemas[ref.split('/').pop()!] as Schema & { additionalProperties?: boolean };
    };
    const grant = bodySchema('/licenses', 'post');
    const royalty = docs.components.schemas[(grant.properties!.royalty.$ref ?? grant.properties!.royalty.allOf![0].$ref)!.split('/').pop()!] as { additionalProperties?: boolean };
    expect([bodySchema('/parties', 'post').additionalProperties, grant.additionalProperties, royalty.additionalProperties]).toEqual([false, false, false]);
    expect(grant.properties!.territories).toMatchObject({ minItems: 1, maxItems: 250 }); // an empty list is refused too
    // Before, a client validating against the document sent {email} with a party and met a 400 it could not foresee.
    const res = await ledger.http.post('/parties').send({ name: 'Westbrook', kind: 'institute', email: 'tto@westbrook.edu' }).expect(400);
    expect(res.body.errors).toEqual([{ field: 'email', message: expect.any(String) }]);
  });

  it("says how long a request's strings may be and what shape its codes take, as the pipe checks them", async () => {
    // Before, a party's name was documented as any string, and 201 characters came back 400.
    const schema = (name: string) => docs.components.schemas[name] as Schema & { properties: Record<string, Schema & Record<string, unknown>> };
    expect(schema('RegisterPartyDto').properties.name).toMatchObject({ minLength: 1, maxLength: 200, pattern: '\\S' });
    expect(schema('RegisterPatentDto').properties.title).toMatchObject({ maxLength: 300 });
    expect(schema('MilestoneDto').properties.code).toMatchObject({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
    expect(schema('GrantLicenseDto').properties.territories.items).toMatchObject({ pattern: '^[A-Z]{2}$' });
    expect(schema('SalesLineDto').properties.product).toMatchObject({ maxLength: 200 });
    expect(schema('CreateEquityDealDto').properties.shareClass).toMatchObject({ minLength: 1, maxLength: 64 });
    // A value lower-cased before it is checked takes upper case: no pattern of the lower-cased one.
    expect(schema('PolicyShareDto').properties.beneficiary.pattern).toBeUndefined();
    const inventor = (await ledger.http.post('/parties').send({ name: 'Dr Upper', kind: 'person' }).expect(201)).body.id as string;
    const university = (await ledger.http.post('/parties').send({ name: 'Upper University', kind: 'university' }).expect(201)).body.id as string;
    await ledger.http.put(`/parties/${university}/distribution-policy`)
      .send({ adminFeePercent: '0', recoverPatentCosts: false, shares: [{ beneficiary: inventor.toUpperCase(), sharePercent: '10' }] }).expect(200);
    await ledger.http.post('/parties').send({ name: 'x'.repeat(200), kind: 'company' }).expect(201);
    await ledger.http.post('/parties').send({ name: 'x'.repeat(201), kind: 'company' }).expect(400);
  });

  it('says "or null" as OpenAPI 3.0 validators read it: never `nullable` beside a reference, which they ignore', async () => {
    // Before, an allocation explanation's policy was {nullable, allOf: [$ref]}: strict validators refused its null.
    const nullableRefs: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      const schema = node as Schema;
      if (schema.nullable && (schema.$ref || schema.allOf)) nullableRefs.push(at);
      for (const [key, child] of Object.entries(node)) walk(child, `${at}/${key}`);
    };
    walk(docs, '#');
    expect(nullableRefs).toEqual([]);
    const policy = docs.components.schemas.AllocationExplanationDto.properties!.policy;
    expect(policy.oneOf).toEqual([{ $ref: '#/components/schemas/ExplainedEventDto' }, { type: 'object', nullable: true, enum: [null] }]);
  });

  it('says in a line what every operation does', async () => {
    const unsaid = Object.entries(docs.paths).flatMap(([path, methods]) =>
      Object.entries(methods).filter(([, op]) => !(op as { summary?: string }).summary).map(([method]) => `${method} ${path}`));
    expect(unsaid).toEqual([]); // before, all but the statement
  });

  it('says that a distribution policy has exactly one of shares and bands, as the API checks', async () => {
    // Before, both were optional and nothing said one was needed: a client sent neither and met a 400.
    expect(docs.components.schemas.DistributionPolicyDto).toMatchObject({ oneOf: [{ required: ['shares'] }, { required: ['bands'] }] });
    const university = (await ledger.http.post('/parties').send({ name: 'Eastbrook University', kind: 'university' }).expect(201)).body.id;
    for (const tables of [{}, { shares: [], bands: [{ shares: [] }] }]) {
      const res = await ledger.http.put(`/parties/${university}/distribution-policy`).send({ adminFeePercent: '10', recoverPatentCosts: false, ...tables }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'shares', message: 'give either shares or bands, not both or neither' }]);
    }
  });

  it("marks a milestone's description optional, as the API takes it", async () => {
    // Before, the schema listed it as required; the worked example's milestone has none.
    expect(docs.components.schemas.MilestoneDto.required).toEqual(['code', 'amount']);
  });

  it('takes ?minPosition= on every GET of the ledger, as the contract says, and declares it optional', async () => {
    const reads = routes.filter((route) => route.method === 'GET' && route.policy?.kind !== 'public');
    const declared = reads.map((route) => [route.path, operation(route)?.parameters?.find((p) => p.name === 'minPosition') ?? null]);
    expect(declared).toEqual(reads.map((route) => [route.path, expect.objectContaining({ in: 'query', required: false })]));
    // Before, the license's events and an equity deal's cap table ignored it: a malformed one was taken (200), not named.
    for (const path of ['/licenses/00000000-0000-4000-8000-000000000000/events', '/equity-deals/00000000-0000-4000-8000-000000000000']) {
      const refused = await ledger.http.get(`${path}?minPosition=abc`).expect(400);
      expect(refused.body.errors).toEqual([{ field: 'minPosition', message: expect.any(String) }]);
    }
  });

  it('declares the optional Idempotency-Key header on every POST and PUT, which the API honours', async () => {
    // Before, no operation named it: a client generated from the document could not send it.
    const posts = routes.filter((route) => route.method === 'POST' || route.method === 'PUT');
    const declared = posts.map((route) => [route.path, operation(route)?.parameters?.find((p) => p.name === 'Idempotency-Key') ?? null]);
    expect(declared).toEqual(posts.map((route) => [route.path, expect.objectContaining({ in: 'header', required: false })]));
  });

  it('names the headers the API answers: the request ids everywhere, Idempotent-Replayed on writes, ETag on reads', async () => {
    // Before, every response's headers were {}: a generated client could not read them.
    type Answer = { headers?: Record<string, unknown> };
    const answer = (path: string, method: string, status: string) => (docs.paths[path][method].responses[status] as Answer).headers ?? {};
    expect(Object.keys(answer('/parties', 'post', '201'))).toEqual(expect.arrayContaining(['Idempotent-Replayed', 'X-Request-Id', 'X-Correlation-Id']));
    expect(Object.keys(answer('/parties/{id}/distribution-policy', 'put', '200'))).toContain('Idempotent-Replayed');
    expect(Object.keys(answer('/parties/{id}/statement', 'get', '200'))).toEqual(expect.arrayContaining(['ETag', 'Cache-Control', 'X-Request-Id']));
    expect(Object.keys(answer('/parties', 'post', '400'))).toContain('X-Request-Id');
    expect(docs.paths['/parties/{id}/statement'].get.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['X-Request-Id', 'X-Correlation-Id']));
    expect(Object.keys(docs.paths['/parties/{id}/statement'].get.responses)).toContain('304');
    // ...and the API answers them.
    const party = await ledger.http.post('/parties').send({ name: 'Headed Ltd', kind: 'company' }).expect(201);
    expect([party.headers['x-request-id'], party.headers['x-correlation-id'], party.headers['cache-control']]).toEqual([expect.any(String), expect.any(String), 'no-store']);
    const read = await ledger.http.get(`/parties/${party.body.id}/statement`).expect(200);
    expect([read.headers.etag, read.headers['cache-control']]).toEqual([expect.any(String), 'private, no-cache']);
    await ledger.http.get(`/parties/${party.body.id}/statement`).set('If-None-Match', read.headers.etag).expect(304);
  });

  it('describes the errors every route answers: application/problem+json with errors[] naming fields', async () => {
    // Before, each operation listed only its success: nothing said a refusal was problem+json, or what it held.
    const described = routes.map((route) => [route.method, route.path, operation(route)?.responses.default?.content ?? null]);
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
    expect(described).toEqual(routes.map((route) => [route.method, route.path, problem]));
    expect(Object.keys(docs.components.schemas.ProblemDetails.properties ?? {})).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors']));
  });

  it('names each refusal a route can answer, and every refusal a route answers is named on it', async () => {
    // Before, errors were one `default` response: a generated client had no case for a 404, a 409 or a 422.
    const secured = routes.filter((route) => route.policy?.kind !== 'public');
    const named = (route: Route) => Object.keys(operation(route)!.responses).filter((status) => /^[45]\d\d$/.test(status)).sort();
    const expected = (route: Route) => [
      '400', '401', '403', ...(route.path.includes(':') ? ['404'] : []), ...(route.method === 'GET' ? [] : ['409']),
      ...(['POST', 'PUT'].includes(route.method) ? ['413', '415'] : []), // every write reads a body
      ...(['POST', 'PUT'].includes(route.method) ? ['422'] : []), '429', '503',
    ].concat(route.path.endsWith('/statement') ? ['406'] : []).sort();
    expect(secured.map((route) => [route.method, route.path, named(route)])).toEqual(secured.map((route) => [route.method, route.path, expected(route)]));
    expect(routes.filter((route) => route.policy?.kind === 'public').flatMap(named)).toEqual(['503']); // /health's own

    // The answers themselves, each named on its route: no token, an unknown query parameter, an unknown id.
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const url = (route: Route) => route.path.replace(':year', '2025').replace(':code', 'first-sale').replace(/:\w+/g, unknownId);
    const probes: { route: Route; probe: string; status: string }[] = [];
    for (const route of secured) {
      const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
      probes.push({ route, probe: 'no token', status: String((await ledger.as()[method](url(route))).status) });
      if (route.method !== 'GET') continue;
      probes.push({ route, probe: '?bogus=1', status: String((await ledger.http.get(`${url(route)}?bogus=1`)).status) });
      if (route.path.includes(':')) probes.push({ route, probe: 'unknown id', status: String((await ledger.http.get(url(route))).status) });
    }
    const statement = secured.find((route) => route.path.endsWith('/statement'))!;
    probes.push({ route: statement, probe: 'Accept: text/html', status: String((await ledger.http.get(url(statement)).set('Accept', 'text/html')).status) });
    const close = secured.find((route) => route.path.endsWith('/close'))!;
    probes.push({ route: close, probe: 'unknown id', status: String((await ledger.http.post(url(close))).status) });
    const expectedStatus = { 'no token': '401', '?bogus=1': '400', 'unknown id': '404', 'Accept: text/html': '406' } as Record<string, string>;
    const said = (found: typeof probes) => found.map(({ route, probe, status }) => `${route.method} ${route.path} ${probe}: ${status}`);
    expect(said(probes.filter(({ probe, status }) => status !== expectedStatus[probe]))).toEqual([]);
    expect(said(probes.filter(({ route, status }) => !named(route).includes(status)))).toEqual([]);
    expect(probes.length).toBe(secured.length + 2 * secured.filter((r) => r.method === 'GET' && r.path.includes(':')).length + 2);
  });

  it('declares a response schema for every success an operation answers, so a generated client knows every answer', async () => {
    // Before, 18 of the 27 operations named only a status: a write's id, amounts and position, a patent, an allocation's origin.
    const operations = Object.entries(docs.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
    const successes = operations.flatMap(({ path, method, op }) => {
      const statuses = Object.keys(op.responses).filter((status) => /^2\d\d$/.test(status));
      return statuses.length ? statuses.map((status) => ({ path, method, status, content: op.responses[status].content })) : [{ path, method, status: 'no 2xx', content: undefined }];
    });
    const bare = successes.filter(({ content }) => !Object.values(content ?? {}).some((media) => media.schema)).map(({ path, method, status }) => `${method} ${path} ${status}`);
    expect(bare).toEqual([]);
    // Every route the app serves is in the document, so none escapes the check.
    expect(routes.filter((route) => !operation(route)).map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  const JSON_TYPES: Record<string, string> = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean' };
  /**
   * Where a response body and its documented schema part: no schema at all, an undocumented field, a missing required one,
   * a wrong shape, a value of another JSON type (an amount or position sent as a number) or outside its enum.
   */
  const mismatches = (schema: Schema | undefined, value: unknown, at: string): string[] => {
    if (!schema) return [`${at} has no documented schema`];
    if (schema.oneOf) {
      const each = schema.oneOf.map((alternative) => mismatches(alternative, value, at));
      const fitting = each.filter((found) => found.length === 0).length;
      return fitting === 1 ? [] : fitting === 0 ? [`${at} fits none of its oneOf: ${each.flat().join('; ')}`] : [`${at} fits ${fitting} of its oneOf`];
    }
    const resolved = schema.$ref ? docs.components.schemas[schema.$ref.split('/').pop()!] : schema.allOf ? schema.allOf[0] : schema;
    if (resolved !== schema) return mismatches(resolved, value, at);
    if (value === null) return schema.nullable ? [] : [`${at} is null`];
    if (schema.type === 'array') return Array.isArray(value) ? value.flatMap((v, i) => mismatches(schema.items!, v, `${at}[${i}]`)) : [`${at} is no array`];
    const primitive = JSON_TYPES[schema.type ?? ''];
    if (primitive && typeof value !== primitive) return [`${at} is a ${typeof value}, documented as ${schema.type}`];
    if (schema.enum && !schema.enum.includes(value)) return [`${at} is ${JSON.stringify(value)}, not one of ${JSON.stringify(schema.enum)}`];
    if (!schema.properties) return [];
    if (typeof value !== 'object' || Array.isArray(value)) return [`${at} is no object`];
    const fields = value as Record<string, unknown>;
    return [
      ...Object.keys(fields).filter((k) => !(k in schema.properties!)).map((k) => `${at}.${k} is not documented`),
      ...(schema.required ?? []).filter((k) => !(k in fields)).map((k) => `${at}.${k} is missing`),
      ...Object.entries(fields).flatMap(([k, v]) => (schema.properties![k] ? mismatches(schema.properties![k], v, `${at}.${k}`) : [])),
    ];
  };
  /** The schema declared for an answer of that status (none: mismatches says so, rather than passing anything). */
  const documented = (path: string, method: string, status: string): Schema | undefined =>
    docs.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;

  it("documents the contract's answers as they are: a report's royalty, a restatement, a year's close, a statement", async () => {
    // Before, no schema: a client generated from the document knew nothing of netSales, tiers, adjustments or lines.
    const cast = await registerCast(ledger);
    await ledger.http.put(`/parties/${cast.university}/distribution-policy`).send({
      adminFeePercent: '10', recoverPatentCosts: false, shares: [{ beneficiary: 'inventors', sharePercent: '50' }] }).expect(200);
    const license = (await post<{ id: string }>(ledger, '/licenses', workedLicenseTerms(cast))).id;
    const report = (period: string, gross: string) => post(ledger, `/licenses/${license}/sales-reports`, { period, lines: [salesLine(gross, '0.00')] });
    const q1 = await report('2025-Q1', '480000.00');
    await report('2025-Q2', '700000.00');
    const restated = await post(ledger, `/licenses/${license}/sales-reports/${q1.reportId}/restatements`, { lines: [salesLine('450000.00', '0.00')] });
    const closed = (await ledger.http.post(`/licenses/${license}/royalty-years/2025/close`).expect(200)).body;
    const late = await report('2025-Q3', '100000.00'); // into the closed year: its shortfall moves
    // `delta`, as a restatement's adjustments name it: one field, read one way, whichever write moved it.
    expect(late.adjustments).toEqual([expect.objectContaining({ kind: 'shortfall-adjustment', delta: '-4000.00', amount: '-4000.00' })]);
    const statement = (await ledger.http.get(`/parties/${cast.lin}/statement?minPosition=${late.position}`).expect(200)).body;
    expect(statement.lines.length).toBeGreaterThan(3);
    const reports = '/licenses/{id}/sales-reports';
    expect([
      ...mismatches(documented(reports, 'post', '201'), q1, 'report'),
      ...mismatches(documented(reports, 'post', '201'), late, 'late report'),
      ...mismatches(documented(`${reports}/{reportId}/restatements`, 'post', '201'), restated, 'restatement'),
      ...mismatches(documented('/licenses/{id}/royalty-years/{year}/close', 'post', '200'), closed, 'close'),
      ...mismatches(documented('/parties/{id}/statement', 'get', '200'), statement, 'statement'),
    ]).toEqual([]);
    expect(documented('/parties/{id}/statement', 'get', '200')).toEqual({ $ref: '#/components/schemas/StatementDto' });

    // The contract's reads: a license's terms, status, totals and revision; a deal's cap table.
    const terminated = await post(ledger, `/licenses/${license}/termination`, { effectiveOn: '2030-06-30', reason: 'notice' });
    const read = (await ledger.http.get(`/licenses/${license}?minPosition=${terminated.position}`).expect(200)).body;
    const deal = await post(ledger, '/equity-deals', {
      issuerId: cast.brightpath, holderId: cast.university, licenseId: license, shareClass: 'ordinary', shares: '1000',
      fullyDilutedShares: '10000', pricePerShare: '1.00', currency: 'CNY', grantedOn: '2025-02-01' });
    const capTable = (await ledger.http.get(`/equity-deals/${deal.id}?asOf=2025-03-01`).expect(200)).body;
    expect([
      ...mismatches(documented('/licenses/{id}', 'get', '200'), read, 'license'),
      ...mismatches(documented('/equity-deals/{id}', 'get', '200'), capTable, 'cap table'),
    ]).toEqual([]);
    expect(read.termination).toEqual({ effectiveOn: '2030-06-30', reason: 'notice' });
  });

  it("documents every other route's answers as they are: parties, patents, policies, licenses' writes, payouts, keys, equity", async () => {
    // Before, most had no schema: a client generated from the document knew no id, amount or position of theirs (and the
    // schemas of POST /parties, GET /parties/{id} and /health were never held against an answer).
    type Answer = { status: number; body: unknown };
    /** The real answer against the schema the document declares for its status, at the route's templated path. */
    const against = (method: string, path: string, res: Answer, label = `${method.toUpperCase()} ${path}`) =>
      mismatches(documented(path, method, String(res.status)), res.body, label);
    const send = async (method: 'post' | 'put' | 'delete', url: string, body?: object, status = method === 'post' ? 201 : 200) => {
      const res = await ledger.http[method](url).send(body);
      if (res.status !== status) throw new Error(`${method.toUpperCase()} ${url} → ${res.status} (expected ${status}): ${JSON.stringify(res.body)}`);
      return res;
    };
    const read = (url: string) => ledger.http.get(url).expect(200);

    const registered = await send('post', '/parties', { name: 'Westbrook Institute', kind: 'institute' });
    const cast = await registerCast(ledger, 'CN2024100009.X'); // the test before registered the worked example's
    const patent = await send('post', '/patents', {
      title: 'Soft actuator', number: 'CN2024100002.X', jurisdiction: 'CN', filedOn: '2024-02-01', expiresOn: '2044-02-01',
      owners: [{ partyId: cast.university, sharePercent: '100' }], inventors: [{ partyId: cast.lin, sharePercent: '100' }] });
    const cost = await send('post', `/patents/${cast.patent}/costs`, {
      partyId: cast.university, amount: '1200', currency: 'CNY', incurredOn: '2025-02-01', description: 'filing fees' });
    const policy = await send('put', `/parties/${cast.university}/distribution-policy`, {
      adminFeePercent: '10', recoverPatentCosts: true, shares: [{ beneficiary: 'inventors', sharePercent: '50' }, { beneficiary: cast.school, sharePercent: '20' }] });
    const granted = await send('post', '/licenses', workedLicenseTerms(cast));
    const license = granted.body.id as string;
    expect(granted.body.upfront.amount).toBe('100000.00');
    await post(ledger, `/licenses/${license}/sales-reports`, { period: '2025-Q1', lines: [salesLine('480000.00', '0.00')], royaltyReported: '14000.00' });
    const milestone = await send('post', `/licenses/${license}/milestones/first-sale/achievements`, { achievedOn: '2025-03-01' });
    const payment = await send('post', `/licenses/${license}/payments`, { amount: '60000', currency: 'CNY', receivedOn: '2025-04-01', reference: 'wire 42' });
    const payout = await send('post', `/parties/${cast.lin}/payouts`, { amount: '500.00', currency: 'CNY', paidOn: '2025-05-01', reference: 'PAY-1' });
    // A licensee's own key, with a correlation id of the client's: its events name the key's party, and the id is no uuid.
    const licenseeKey = (await send('post', '/api-keys', { partyId: cast.brightpath, role: 'licensee' })).body.token as string;
    await ledger.as(licenseeKey).post(`/licenses/${license}/sales-reports`).set('X-Correlation-Id', 'client-corr-1')
      .send({ period: '2025-Q2', lines: [salesLine('1000.00', '0.00')] }).expect(201);
    const terminated = await send('post', `/licenses/${license}/termination`, { effectiveOn: '2030-06-30', reason: 'notice' });
    expect(terminated.body.status).toBe('active');

    // A key's token is shown once: a replay of its Idempotency-Key answers without it, and the schema says so.
    const issue = () => ledger.http.post('/api-keys').set('Idempotency-Key', 'openapi-key-1').send({ partyId: cast.lin, role: 'partner' }).expect(201);
    const key = await issue();
    const replayed = await issue();
    expect([typeof key.body.token, replayed.body.token]).toEqual(['string', undefined]);
    const revoked = await send('delete', `/api-keys/${key.body.id}`);

    const deal = await send('post', '/equity-deals', {
      issuerId: cast.brightpath, holderId: cast.university, licenseId: license, shareClass: 'ordinary', shares: '500000',
      fullyDilutedShares: '10000000', pricePerShare: '1.00', currency: 'CNY', antiDilution: { untilRaised: '5000000.00' }, grantedOn: '2025-01-15' });
    expect(deal.body.awards).toHaveLength(2);
    const rounds = `/equity-deals/${deal.body.id}/funding-rounds`;
    const protectedRound = await send('post', rounds, { newShares: '2500000', pricePerShare: '2.00', closedOn: '2025-06-30' });
    const dilutingRound = await send('post', rounds, { newShares: '2500000', pricePerShare: '4.00', closedOn: '2025-12-31' });
    expect([protectedRound.body.protectedShares, dilutingRound.body.protectedShares]).toEqual(['2500000', undefined]);
    const sale = await send('post', `/equity-deals/${deal.body.id}/liquidity-events`, {
      holderId: cast.university, sharesSold: '100000', proceeds: '400000', currency: 'CNY', occurredOn: '2026-03-31' });

    // The reads, once the read models hold every write: an allocation's origin is a report, an upfront fee or a sale,
    // and its policy null for a licensor without one.
    const fresh = `?minPosition=${sale.body.position}`;
    const allocationOf = async (partyId: string, kind: string) => {
      const { lines } = (await read(`/parties/${partyId}/statement${fresh}`)).body as { lines: { kind: string; allocationId: string }[] };
      return read(`/parties/${partyId}/allocations/${lines.find((line) => line.kind === kind)!.allocationId}`);
    };
    const royaltyOrigin = await allocationOf(cast.lin, 'royalty');
    const saleOrigin = await allocationOf(cast.lin, 'equity-proceeds');
    const noPolicy = await allocationOf(cast.company, 'upfront');
    expect([royaltyOrigin.body.salesReport?.type, saleOrigin.body.liquidityEvent?.type, noPolicy.body.policy]).toEqual(
      ['SalesReportSubmitted', 'EquityLiquidated', null]);
    const discrepancies = await read(`/licenses/${license}/discrepancies${fresh}`);
    expect(discrepancies.body).toHaveLength(1);

    const allocation = '/parties/{id}/allocations/{allocationId}';
    expect([
      ...against('post', '/parties', registered),
      ...against('post', '/patents', patent),
      ...against('post', '/patents/{id}/costs', cost),
      ...against('get', '/patents/{id}', await read(`/patents/${cast.patent}${fresh}`)),
      ...against('get', '/parties/{id}', await read(`/parties/${cast.lin}${fresh}`)),
      ...against('put', '/parties/{id}/distribution-policy', policy),
      ...against('post', '/licenses', granted),
      ...against('post', '/licenses/{id}/milestones/{code}/achievements', milestone),
      ...against('post', '/licenses/{id}/payments', payment),
      ...against('post', '/licenses/{id}/termination', terminated),
      ...against('get', '/licenses/{id}/events', await read(`/licenses/${license}/events`)),
      ...against('get', '/licenses/{id}/discrepancies', discrepancies),
      ...against('post', '/parties/{id}/payouts', payout),
      ...against('post', '/api-keys', key),
      ...against('post', '/api-keys', replayed, 'replayed POST /api-keys'),
      ...against('delete', '/api-keys/{keyId}', revoked),
      ...against('post', '/equity-deals', deal),
      ...against('post', '/equity-deals/{id}/funding-rounds', protectedRound, 'protected round'),
      ...against('post', '/equity-deals/{id}/funding-rounds', dilutingRound, 'diluting round'),
      ...against('post', '/equity-deals/{id}/liquidity-events', sale),
      ...against('get', allocation, royaltyOrigin, 'royalty allocation'),
      ...against('get', allocation, saleOrigin, 'equity allocation'),
      ...against('get', allocation, noPolicy, 'allocation without a policy'),
      ...against('get', '/health', await ledger.as().get('/health').expect(200)),
      // Equity: the holder's holdings (with their currency) and a beneficiary's proceeds (with the sale's liquidityId).
      ...against('get', '/parties/{id}/statement', await read(`/parties/${cast.university}/statement${fresh}`), 'statement with equity'),
      ...against('get', '/parties/{id}/statement', await read(`/parties/${cast.lin}/statement${fresh}`), 'statement with equity proceeds'),
    ]).toEqual([]);
    const events = (await read(`/licenses/${license}/events`)).body as { metadata: { correlationId: string; actor: { partyId?: string } } }[];
    expect(events.some((e) => e.metadata.correlationId === 'client-corr-1' && e.metadata.actor.partyId === cast.brightpath)).toBe(true);
    expect(docs.components.schemas.EventMetadataDto.properties?.correlationId).not.toHaveProperty('format'); // it was uuid: a generated client failed on client-corr-1
    // /health's 503 is problem details, as every refusal (it was documented as terminus' own JSON).
    expect(Object.keys(docs.paths['/health'].get.responses['503'].content ?? {})).toEqual(['application/problem+json']);
    // A year's close takes no body (its fields are refused): the document must not ask for one.
    expect((docs.paths['/licenses/{id}/royalty-years/{year}/close'].post as { requestBody?: { required?: boolean } }).requestBody?.required).toBe(false);
  });
});
