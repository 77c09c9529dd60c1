import { Socket } from 'node:net';
import { statusTitle } from './problem-details.filter';

/** What Node's parser refuses, by its code: [status, detail]. Anything else is a 400. */
const REFUSALS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'the request headers are larger than 16 KB'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request did not arrive whole in time'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'the chunk extensions of the body are too large'],
};
const MALFORMED: [number, string] = [400,
  'the request could not be parsed as HTTP (a malformed request line, or a header with a character HTTP does not allow)'];

/**
 * A request Node's parser refuses never reaches Express: headers over 16 KB (a 100 KB token), a control
 * character in a header, a request line that is no HTTP. Node answered a bare status with no body; this
 * answers as every other refusal is, problem+json, then closes the connection (nothing more can be read
 * from it). As Node does, only while no answer on the connection has begun: one written into an answer
 * under way (a pipelined request after a slow one) would corrupt it, so that connection is only closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket, answered: (status: number) => void = () => undefined): void {
  const underWay = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === 'ECONNRESET' || !socket.writable || underWay) {
    socket.destroy();
    return;
  }
  const [status, detail] = REFUSALS[error.code ?? ''] ?? MALFORMED;
  const reason = statusTitle(status);
  const body = JSON.stringify({ type: 'about:blank', title: reason, status, detail });
  answered(status);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
