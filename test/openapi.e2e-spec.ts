import { LedgerUnderTest, startLedger } from './support/ledger-app';
import { Route, routeTable } from './support/route-table';
import { post, registerCast, salesLine, workedLicenseTerms } from './support/worked-example';

type Schema = { $ref?: string; allOf?: Schema[]; type?: string; nullable?: boolean; properties?: Record<string, Schema>; required?: string[]; items?: Schema };
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

  it('declares the optional Idempotency-Key header on every POST, which the API honours', async () => {
    // Before, no operation named it: a client generated from the document could not send it.
    const posts = routes.filter((route) => route.method === 'POST');
    const declared = posts.map((route) => [route.path, operation(route)?.parameters?.find((p) => p.name === 'Idempotency-Key') ?? null]);
    expect(declared).toEqual(posts.map((route) => [route.path, expect.objectContaining({ in: 'header', required: false })]));
  });

  it('describes the errors every route answers: application/problem+json with errors[] naming fields', async () => {
    // Before, each operation listed only its success: nothing said a refusal was problem+json, or what it held.
    const described = routes.map((route) => [route.method, route.path, operation(route)?.responses.default?.content ?? null]);
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } };
    expect(described).toEqual(routes.map((route) => [route.method, route.path, problem]));
    expect(Object.keys(docs.components.schemas.ProblemDetails.properties ?? {})).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors']));
  });

  /** Where a response body and its documented schema part: an undocumented field, a missing required one, a wrong shape. */
  const mismatches = (schema: Schema, value: unknown, at: string): string[] => {
    const resolved = schema.$ref ? docs.components.schemas[schema.$ref.split('/').pop()!] : schema.allOf ? schema.allOf[0] : schema;
    if (resolved !== schema) return mismatches(resolved, value, at);
    if (value === null) return schema.nullable ? [] : [`${at} is null`];
    if (schema.type === 'array') return Array.isArray(value) ? value.flatMap((v, i) => mismatches(schema.items!, v, `${at}[${i}]`)) : [`${at} is no array`];
    if (!schema.properties) return [];
    const fields = value as Record<string, unknown>;
    return [
      ...Object.keys(fields).filter((k) => !(k in schema.properties!)).map((k) => `${at}.${k} is not documented`),
      ...(schema.required ?? []).filter((k) => !(k in fields)).map((k) => `${at}.${k} is missing`),
      ...Object.entries(fields).flatMap(([k, v]) => (schema.properties![k] ? mismatches(schema.properties![k], v, `${at}.${k}`) : [])),
    ];
  };
  const documented = (path: string, method: string, status: string) =>
    docs.paths[path][method].responses[status]?.content?.['application/json']?.schema ?? { properties: {} };

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
    expect(late.adjustments).toEqual([expect.objectContaining({ kind: 'shortfall-adjustment' })]);
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
});
