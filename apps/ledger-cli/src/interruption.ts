/** The signals an operator stops a command with, and the exit status each gives (128 + its number). */
export const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof SIGNALS)[number];
export const SIGNAL_STATUS: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Until the returned function is called, Ctrl-C or SIGTERM ends the command with one line saying what
 * it leaves, then the signal's exit status. An import or a rebuild interrupted ended silently on its
 * progress bar, leaving the operator to guess what was done and what to run next. Each append and each
 * page of projections is one transaction: what the line counts is there, and at most the one under way besides.
 */
export function sayIfInterrupted(left: () => string, exit: (status: number) => void = (status) => process.exit(status)): () => void {
  const handlers = SIGNALS.map((signal) => [signal, () => {
    process.stderr.write(`\nledger-cli: interrupted (${signal}): ${left()}\n`);
    exit(SIGNAL_STATUS[signal]);
  }] as const);
  for (const [signal, handler] of handlers) process.once(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
