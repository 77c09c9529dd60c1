import { AddressInfo, connect } from 'node:net';
import { LedgerUnderTest, startLedger } from './support/ledger-app';

/** Requests refused before any route: every one still answered as problem+json, naming what is wrong. */
describe('requests refused before any route', () => {
  let ledger: LedgerUnderTest;
  let port: number;

  beforeAll(async () => {
    ledger = await startLedger('sqlite');
    const server = ledger.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => { await ledger?.close(); });

  /** What the server answers to these raw bytes, whole (it closes the connection after). */
  const raw = (request: string) => new Promise<{ status: number; type: string; body: Record<string, unknown> }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => { answer += chunk.toString('utf8'); });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, body] = answer.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), type: /content-type: ([^\r;]+)/i.exec(head)?.[1] ?? '', body: body ? JSON.parse(body) : {} });
    });
  });

  it('answers headers over 16 KB with 431 problem+json, and a header HTTP does not allow with 400 problem+json', async () => {
    // Before: Node's bare 431 and 400, with no body.
    const huge = await raw(`GET /parties HTTP/1.1\r\nHost: ledger\r\nAuthorization: Bearer ${'a'.repeat(100_000)}\r\n\r\n`);
    expect(huge).toEqual({ status: 431, type: 'application/problem+json', body: expect.objectContaining({ status: 431, detail: 'the request headers are larger than 16 KB' }) });
    const control = await raw('GET /parties HTTP/1.1\r\nHost: ledger\r\nX-Note: a\u0001b\r\n\r\n');
    expect(control).toEqual({ status: 400, type: 'application/problem+json', body: expect.objectContaining({ status: 400, title: 'Bad Request' }) });
    // Counted on /metrics, apart from the latency histogram (no request exists to time); before, nowhere.
    const metrics = (await ledger.http.get('/metrics').expect(200)).text;
    expect(metrics).toContain('ledger_http_unparsed_requests_total{status="431"} 1');
    expect(metrics).toContain('ledger_http_unparsed_requests_total{status="400"} 1');
  });

  it('names the path when a path parameter cannot be decoded', async () => {
    const res = await ledger.http.get('/parties/%ZZ').expect(400);
    expect(res.type).toBe('application/problem+json');
    expect(res.body.errors).toEqual([{ field: 'path', message: expect.stringContaining('%ZZ') }]);
  });
});
