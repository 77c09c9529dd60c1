import { Socket } from 'node:net';

/**
 * A request Node's parser refuses never reaches Express: headers over 16 KB (a 100 KB token), a control
 * character in a header, a malformed request line. Node answered a bare 431 or 400 with no body; this
 * answers them as every other refusal is, problem+json, and closes the connection (nothing more can be
 * read from it).
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const title = tooLarge ? 'request header fields too large' : 'bad request';
  const detail = tooLarge
    ? 'the request headers are larger than 16 KB'
    : 'the request could not be parsed as HTTP (a malformed request line, or a header with a character HTTP does not allow)';
  const body = JSON.stringify({ type: 'about:blank', title, status, detail });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
    `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
