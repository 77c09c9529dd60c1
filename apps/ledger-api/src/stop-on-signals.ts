import { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Logger } from 'nestjs-pino';
import { LedgerConfig } from '@ledger/ledger';

/**
 * SIGTERM and SIGINT stop the app gracefully (ShutdownDrain, the projections' checkpoints, the stores)
 * and then exit 0. Nest's own enableShutdownHooks re-raises the signal once done, so a clean stop ended
 * with status 143 (130) and no word in the log, and a supervisor could not tell it from a kill.
 * A stop that waits on a database no longer answering must not keep the process up for as long as TCP
 * waits: past SHUTDOWN_TIMEOUT_MS it exits 1, saying so, with what was acknowledged already committed.
 * process.exit runs pino's exit handler, which writes out what its stream still holds.
 */
export function stopOnSignals(app: INestApplication): void {
  const logger = app.get(Logger);
  const timeoutMs = app.get(ConfigService<LedgerConfig, true>).get('SHUTDOWN_TIMEOUT_MS', { infer: true });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return; // a second signal while stopping (a double Ctrl-C): the deadline still holds
    stopping = true;
    logger.log(`shutting down (${signal}): no new requests; answering those in flight, then stopping the projections`, 'Shutdown');
    setTimeout(() => {
      logger.error(`shutdown did not finish within ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS): requests in flight or a database not answering; exiting`, 'Shutdown');
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => {
        // Checkpoints commit with each page: none is saved at the stop, which a lost read-model lease or database may not allow.
        logger.log('stopped: in-flight requests answered, projections stopped at their last committed checkpoints, stores closed', 'Shutdown');
        process.exit(0);
      },
      (error: Error) => {
        logger.error(`shutdown failed: ${error.stack ?? error.message}`, 'Shutdown');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, stop);
}
