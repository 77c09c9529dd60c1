import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PartyKind, partyDecider, partyStream } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { CommandContext } from '../command-handling/command-context';
import { handleCommand } from '../command-handling/handle-command';
import { EVENT_STORE } from '../event-store/tokens';

export interface PartyRegistration {
  id: string;
  position: bigint;
}

export class RegisterPartyCommand extends Command<PartyRegistration> {
  constructor(
    readonly partyId: string,
    readonly name: string,
    readonly kind: PartyKind,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterPartyCommand)
export class RegisterPartyHandler implements ICommandHandler<RegisterPartyCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ partyId, name, kind, ctx }: RegisterPartyCommand): Promise<PartyRegistration> {
    const { position } = await handleCommand(
      this.store, partyStream(partyId), partyDecider,
      { type: 'RegisterParty', data: { partyId, name, kind } }, ctx,
    );
    return { id: partyId, position };
  }
}
