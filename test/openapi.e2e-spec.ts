import { LedgerUnderTest, startLedger } from './support/ledger-app';
import { Route, routeTable } from './support/route-table';

type Operation = {
  security?: Record<string, string[]>[]; parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, string>>; schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
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
});
