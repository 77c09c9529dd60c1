import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PatentData, RecordPatentCost, patentDecider, patentStream } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { CommandContext } from '../command-handling/command-context';
import { handleCommand } from '../command-handling/handle-command';
import { registeredParties } from '../command-handling/stream-facts';
import { EVENT_STORE } from '../event-store/tokens';

export interface Appended {
  id: string;
  position: bigint;
}

export class RegisterPatentCommand extends Command<Appended> {
  constructor(readonly patent: PatentData, readonly ctx: CommandContext) {
    super();
  }
}

export class RecordPatentCostCommand extends Command<Appended> {
  constructor(readonly cost: RecordPatentCost['data'], readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(RegisterPatentCommand)
export class RegisterPatentHandler implements ICommandHandler<RegisterPatentCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ patent, ctx }: RegisterPatentCommand): Promise<Appended> {
    const parties = [...(patent.owners ?? []), ...(patent.inventors ?? [])].map((s) => s.partyId);
    const knownParties = await registeredParties(this.store, parties);
    const { position } = await handleCommand(
      this.store, patentStream(patent.patentId), patentDecider, { type: 'RegisterPatent', data: { ...patent, knownParties } }, ctx,
    );
    return { id: patent.patentId, position };
  }
}

@CommandHandler(RecordPatentCostCommand)
export class RecordPatentCostHandler implements ICommandHandler<RecordPatentCostCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ cost, ctx }: RecordPatentCostCommand): Promise<Appended> {
    const { position } = await handleCommand(
      this.store, patentStream(cost.patentId), patentDecider, { type: 'RecordPatentCost', data: cost }, ctx,
    );
    return { id: cost.costId, position };
  }
}
