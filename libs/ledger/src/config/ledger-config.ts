import { plainToInstance, Type } from 'class-transformer';
import { BEARER_TOKEN } from '@ledger/domain';
import { IsIn, IsInt, IsOptional, IsString, IsTimeZone, Matches, Max, Min, MinLength, ValidateIf, validateSync } from 'class-validator';

/**
 * The one configuration of the product, validated at start-up by @nestjs/config. A bad value stops the
 * process with a single line naming the variable.
 */
export class LedgerConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(['sqlite', 'postgres', 'eventstoredb'])
  EVENT_STORE: 'sqlite' | 'postgres' | 'eventstoredb' = 'sqlite';

  @IsString()
  @MinLength(1)
  SQLITE_PATH = './data/ledger.sqlite';

  /** Events (EVENT_STORE=postgres) and read models (postgres or eventstoredb). */
  @ValidateIf((c: LedgerConfig) => c.EVENT_STORE !== 'sqlite' || c.DATABASE_URL !== undefined)
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL (required unless EVENT_STORE=sqlite)' })
  DATABASE_URL?: string;

  @ValidateIf((c: LedgerConfig) => c.EVENT_STORE === 'eventstoredb' || c.ESDB_CONNECTION_STRING !== undefined)
  @Matches(/^esdb(\+discover)?:\/\/\S+$/, { message: 'ESDB_CONNECTION_STRING must be an esdb:// connection string (required when EVENT_STORE=eventstoredb)' })
  ESDB_CONNECTION_STRING?: string;

  /**
   * How long the EventStoreDB adapter waits for the server's answer to an append, or for a read's next
   * event, before it fails as not answering (503): the client itself has no deadline. A server under a
   * long election or a slow disk may need more than the default; a tight service-level objective less.
   */
  @Type(() => Number)
  @IsInt({ message: 'ESDB_ANSWER_WITHIN_MS must be an integer from 100 to 600000' })
  @Min(100, { message: 'ESDB_ANSWER_WITHIN_MS must be an integer from 100 to 600000' })
  @Max(600000, { message: 'ESDB_ANSWER_WITHIN_MS must be an integer from 100 to 600000' })
  ESDB_ANSWER_WITHIN_MS = 10000;

  @Type(() => Number)
  @IsInt({ message: 'PORT must be an integer from 0 to 65535' })
  @Min(0, { message: 'PORT must be an integer from 0 to 65535' })
  @Max(65535, { message: 'PORT must be an integer from 0 to 65535' })
  PORT = 3000;

  @IsOptional()
  @IsString()
  // As a request can send it: a token with a space or a newline (a secret mounted from a file) started
  // the service with an office token every request was refused with, 401, and nothing said why.
  @Matches(BEARER_TOKEN, { message: 'LEDGER_ADMIN_TOKEN must be 24 to 256 visible ASCII characters, with no space or newline (a bearer token is sent as one)' })
  @MinLength(24, { message: 'LEDGER_ADMIN_TOKEN must be at least 24 characters' })
  LEDGER_ADMIN_TOKEN?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * The time zone of the ledger's business days (an IANA name): "today" for the rules that refuse a
   * period not yet ended, a year not yet over, or a payout, cost or milestone dated ahead.
   */
  @IsTimeZone({ message: 'LEDGER_TIME_ZONE must be an IANA time zone such as UTC or Asia/Shanghai' })
  LEDGER_TIME_ZONE = 'UTC';

  /** Requests per minute per bearer token (or per address without one); 429 with Retry-After beyond. */
  @Type(() => Number)
  @IsInt({ message: 'RATE_LIMIT_PER_MINUTE must be a positive integer' })
  @Min(1, { message: 'RATE_LIMIT_PER_MINUTE must be a positive integer' })
  RATE_LIMIT_PER_MINUTE = 1200;

  /** Longest wait of a GET with ?minPosition= before it answers 503. */
  @Type(() => Number)
  @IsInt({ message: 'MIN_POSITION_WAIT_MS must be an integer from 0 to 60000' })
  @Min(0, { message: 'MIN_POSITION_WAIT_MS must be an integer from 0 to 60000' })
  @Max(60000, { message: 'MIN_POSITION_WAIT_MS must be an integer from 0 to 60000' })
  MIN_POSITION_WAIT_MS = 5000;

  /**
   * Longest /health waits for a database's answer before it reports that check down (503): a
   * blackholed connection would otherwise hold the probe as long as TCP waits. Keep it under the
   * orchestrator's probe timeout (Kubernetes' timeoutSeconds, 1 s by default).
   */
  @Type(() => Number)
  @IsInt({ message: 'HEALTH_TIMEOUT_MS must be an integer from 100 to 60000' })
  @Min(100, { message: 'HEALTH_TIMEOUT_MS must be an integer from 100 to 60000' })
  @Max(60000, { message: 'HEALTH_TIMEOUT_MS must be an integer from 100 to 60000' })
  HEALTH_TIMEOUT_MS = 800;

  /**
   * Longest a shutdown on SIGTERM or SIGINT may take (requests in flight, checkpoints, goodbyes to the
   * databases) before the process exits with 1 anyway: a database that stopped answering would hold it
   * as long as TCP. Under Kubernetes' default grace of 30 s, so the reason is logged before a SIGKILL.
   */
  @Type(() => Number)
  @IsInt({ message: 'SHUTDOWN_TIMEOUT_MS must be an integer from 1000 to 600000' })
  @Min(1000, { message: 'SHUTDOWN_TIMEOUT_MS must be an integer from 1000 to 600000' })
  @Max(600000, { message: 'SHUTDOWN_TIMEOUT_MS must be an integer from 1000 to 600000' })
  SHUTDOWN_TIMEOUT_MS = 25000;

  /**
   * How long a projection may keep failing, without a page applied, before ledger-cli's rebuild and
   * verify give up on it with its error and exit 1 (the API itself retries for ever).
   */
  @Type(() => Number)
  @IsInt({ message: 'CATCH_UP_GIVE_UP_MS must be an integer from 1000 to 3600000' })
  @Min(1000, { message: 'CATCH_UP_GIVE_UP_MS must be an integer from 1000 to 3600000' })
  @Max(3600000, { message: 'CATCH_UP_GIVE_UP_MS must be an integer from 1000 to 3600000' })
  CATCH_UP_GIVE_UP_MS = 15000;

  /**
   * Events a long stream (a university's allocations) grows by before the API saves its folded state
   * again in the read-model database, so that a restart folds only the events since (and at least
   * 10 % of the stream, as a save costs in proportion to its length). 0 saves none.
   */
  @Type(() => Number)
  @IsInt({ message: 'STREAM_SNAPSHOT_EVERY must be an integer from 0 to 100000000' })
  @Min(0, { message: 'STREAM_SNAPSHOT_EVERY must be an integer from 0 to 100000000' })
  @Max(100_000_000, { message: 'STREAM_SNAPSHOT_EVERY must be an integer from 0 to 100000000' })
  STREAM_SNAPSHOT_EVERY = 10000;
}

export class InvalidConfiguration extends Error {
  override readonly name = 'InvalidConfiguration';
}

/**
 * For ConfigModule.forRoot({ validate }): unknown variables pass through untouched. The API needs the admin
 * token outside development; the operator CLI never authenticates anyone, so it is not asked for one
 * (it was: `NODE_ENV=production ledger-cli verify` refused to start without a token it never used).
 */
export function validateLedgerConfig(env: Record<string, unknown>, by: 'api' | 'operator-cli' = 'api'): LedgerConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(LedgerConfig, present, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length === 0 && by === 'api' && config.NODE_ENV !== 'development' && !config.LEDGER_ADMIN_TOKEN) {
    throw new InvalidConfiguration(`Invalid configuration: LEDGER_ADMIN_TOKEN (24+ characters) is required when NODE_ENV=${config.NODE_ENV}`);
  }
  if (errors.length > 0) {
    const first = errors[0];
    const message = Object.values(first.constraints ?? {})[0] ?? `${first.property} is invalid`;
    throw new InvalidConfiguration(`Invalid configuration: ${message} (got ${shown(first.property, present[first.property])})`);
  }
  return config;
}

/** Connection strings can carry a password. */
const CONNECTION_STRINGS = new Set(['DATABASE_URL', 'ESDB_CONNECTION_STRING']);

/**
 * A refused value as the message may show it: start-up errors go to the service log, so the admin token
 * is never shown (only its length) and a connection string's password is masked.
 */
function shown(property: string, value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value ?? null);
  if (property === 'LEDGER_ADMIN_TOKEN') return `${value.length} characters, not shown`;
  if (!CONNECTION_STRINGS.has(property)) return JSON.stringify(value);
  try {
    const url = new URL(value);
    if (url.host !== '') {
      if (url.password) url.password = '***';
      // libpq takes a password as a parameter too (postgres://h/db?password=…).
      for (const name of [...url.searchParams.keys()]) if (/pass|secret|token|key/i.test(name)) url.searchParams.set(name, '***');
      return JSON.stringify(url.toString());
    }
  } catch {
    // not a URL: shown by its length below
  }
  return `${value.length} characters, not shown: they may hold a password`;
}
