/**
 * Whether a failure means the database itself is out of reach (down, restarting, unreachable, or too
 * busy to take the write), not that the request was wrong: the caller should send it again shortly.
 * One list for every store and the read models, which share the drivers: the HTTP error mapper answers
 * these 503 with Retry-After instead of a 500 with a stack trace per request while the database is down.
 */
export function isStoreUnavailable(error: unknown): boolean {
  // A wrapped failure (pg-pool's connection timeout wraps the socket's) is judged by its cause.
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isUnavailableItself(e as { code?: unknown; message?: unknown; type?: unknown })) return true;
  }
  return false;
}

/** PostgreSQL: connection exceptions (class 08), admin/crash shutdown and "cannot connect now", a database gone. */
const PG_UNAVAILABLE = /^(08...|57P0[123]|3D000)$/;
/** Node's socket errors: refused, reset, or no route (an AggregateError carries the code when all addresses failed). */
const SOCKET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** SQLite: another connection held the lock past busy_timeout (SQLITE_BUSY_SNAPSHOT and kin too). */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED)(_|$)/;
/**
 * EventStoreDB's client, by its error `type`: the server out of reach, no answer in time (the adapter's
 * own deadline too), or a follower node asked to write while the leader changes.
 */
const ESDB_UNAVAILABLE = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader']);
/** gRPC status codes UNAVAILABLE (14) and DEADLINE_EXCEEDED (4). */
const GRPC_UNAVAILABLE = new Set([14, 4]);
/** pg's and pg-pool's own errors, which carry no code. */
const PG_CLIENT_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

function isUnavailableItself(e: { code?: unknown; message?: unknown; type?: unknown }): boolean {
  if (typeof e.code === 'string' && (PG_UNAVAILABLE.test(e.code) || SOCKET_UNAVAILABLE.has(e.code) || SQLITE_UNAVAILABLE.test(e.code))) return true;
  if (typeof e.type === 'string' && ESDB_UNAVAILABLE.has(e.type)) return true;
  // A raw gRPC error, which the EventStoreDB client passes on from its feature query before an append.
  if (typeof e.code === 'number' && GRPC_UNAVAILABLE.has(e.code) && 'details' in e) return true;
  return typeof e.message === 'string' && PG_CLIENT_MESSAGES.some((m) => (e.message as string).startsWith(m));
}

/**
 * A driver's failure in one line: a refused connection to several addresses (`localhost`: ::1 and
 * 127.0.0.1) is an AggregateError with an empty message, whose errors say which addresses refused.
 */
export function failureInOneLine(error: unknown): string {
  const { code, message, errors } = (error ?? {}) as { code?: unknown; message?: unknown; errors?: unknown };
  const each = Array.isArray(errors) ? errors.map((e) => (e as { message?: unknown })?.message).filter((m): m is string => typeof m === 'string' && m !== '') : [];
  const said = typeof message === 'string' && message !== '' ? message : each.join('; ');
  return [typeof code === 'string' && !said.includes(code) ? code : '', said].filter((part) => part !== '').join(' ') || String(error);
}
