import { Socket } from 'node:net';
import { answerClientError } from './client-error';

/** A socket that records what is written to it and whether it was destroyed. */
function socket(answerUnderWay: boolean) {
  const seen = { written: '', destroyed: false };
  const fake = {
    writable: true,
    _httpMessage: answerUnderWay ? { headersSent: true } : undefined,
    end: (text: string, done: () => void) => { seen.written += text; done(); },
    destroy: () => { seen.destroyed = true; },
  };
  return { socket: fake as unknown as Socket, seen };
}
const failure = (code: string) => Object.assign(new Error(code), { code });

describe('answerClientError', () => {
  it('answers what the parser refused as problem+json, by its code, and closes the connection', () => {
    const answers = ['HPE_HEADER_OVERFLOW', 'ERR_HTTP_REQUEST_TIMEOUT', 'HPE_CHUNK_EXTENSIONS_OVERFLOW', 'HPE_INVALID_HEADER_TOKEN'].map((code) => {
      const { socket: s, seen } = socket(false);
      answerClientError(failure(code), s);
      const [head, body] = seen.written.split('\r\n\r\n');
      return [head.split('\r\n')[0], /Content-Type: (\S+)/.exec(head)?.[1], JSON.parse(body).status, seen.destroyed];
    });
    expect(answers).toEqual([
      ['HTTP/1.1 431 Request Header Fields Too Large', 'application/problem+json', 431, true],
      ['HTTP/1.1 408 Request Timeout', 'application/problem+json', 408, true], // as Node answered it, not a 400
      ['HTTP/1.1 413 Payload Too Large', 'application/problem+json', 413, true],
      ['HTTP/1.1 400 Bad Request', 'application/problem+json', 400, true],
    ]);
  });

  it('writes nothing into an answer already under way on the connection (a pipelined request after a slow one): it closes it', () => {
    // Before, a second status line went into the first answer's body.
    const { socket: s, seen } = socket(true);
    answerClientError(failure('HPE_INVALID_METHOD'), s);
    expect(seen).toEqual({ written: '', destroyed: true });
  });
});
