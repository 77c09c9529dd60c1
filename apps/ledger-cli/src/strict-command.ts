import { CommandRunner } from 'nest-commander';

/** commander's Command as nest-commander hands it over (its own commander 11, not the top-level one). */
type Command = Parameters<CommandRunner['setCommand']>[0];

/**
 * A ledger-cli command refuses arguments it does not declare: commander 11 lets excess ones through, so
 * `rebuild parties journal` rebuilt parties alone and reported success. Its refusals are thrown, as the
 * root command's are (nest-commander overrides only the root's exit): they called process.exit while
 * the stores were open, so main.ts never closed them (SQLite's -wal and -shm were left) nor took away
 * the new store a refused import had made.
 */
export abstract class StrictCommand extends CommandRunner {
  override setCommand(command: Command): this {
    command.allowExcessArguments(false);
    command.exitOverride((error) => {
      throw error;
    });
    return super.setCommand(command);
  }
}
