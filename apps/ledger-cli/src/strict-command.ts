import { CommandRunner } from 'nest-commander';

/** commander's Command as nest-commander hands it over (its own commander 11, not the top-level one). */
type Command = Parameters<CommandRunner['setCommand']>[0];

/**
 * A ledger-cli command refuses arguments it does not declare: commander 11 lets excess ones through, so
 * `rebuild parties journal` rebuilt parties alone and reported success.
 */
export abstract class StrictCommand extends CommandRunner {
  override setCommand(command: Command): this {
    command.allowExcessArguments(false);
    return super.setCommand(command);
  }
}
