import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PatentData, RecordPatentCost, patentDecider, patentStream } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { v5 as uuidv5 } from 'uuid';
import { CommandContext } from '../command-handling/command-context';
import { handleCommand, retryingConflicts } from '../command-handling/handle-command';
import { registeredParties } from '../command-handling/stream-facts';
import { EVENT_STORE } from '../event-store/tokens';

export interface Appended {
  id: string;
  position: bigint;
}

export class RegisterPatentCommand extends Command<Appended> {
  constructor(readonly patent: Omit<PatentData, 'patentId'>, readonly ctx: CommandContext) {
    super();
  }
}

/** Namespace of the patents' ids: uuidv5(JURISDICTION/NUMBER). */
const PATENTS = '2c7d9a41-6e3b-4f58-9a0c-d1e2f3a4b5c6';

/** Letters and digits only, in their compatibility forms (full-width `ＣＮ` is `CN`), upper case. */
const canonical = (text: string) => String(text).normalize('NFKC').toUpperCase().replace(/[^\p{L}\p{N}]/gu, '');

/**
 * A patent's id follows from its jurisdiction and number, so a second registration of the same patent
 * lands on the first one's stream and is refused there (409), atomically on every store: before, each
 * registration took a random id, and one patent could be registered, licensed and costed twice.
 * `CN 2024 100001.x`, `CN2024100001.X` and, in jurisdiction CN, `2024100001.X` are one patent.
 */
export function patentIdOf(jurisdiction: string, number: string): string {
  const office = canonical(jurisdiction);
  const written = canonical(number);
  const own = office && written.startsWith(office) && written.length > office.length ? written.slice(office.length) : written;
  return uuidv5(`${office}/${own}`, PATENTS);
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
    const patentId = patentIdOf(patent.jurisdiction, patent.number);
    const { position } = await handleCommand(
      this.store, patentStream(patentId), patentDecider, { type: 'RegisterPatent', data: { ...patent, patentId, knownParties } }, ctx,
    );
    return { id: patentId, position };
  }
}

@CommandHandler(RecordPatentCostCommand)
export class RecordPatentCostHandler implements ICommandHandler<RecordPatentCostCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ cost, ctx }: RecordPatentCostCommand): Promise<Appended> {
    // Two costs of one patent at once: the one that lost the race is decided again (retryingConflicts).
    const { position } = await retryingConflicts(() => handleCommand(
      this.store, patentStream(cost.patentId), patentDecider, { type: 'RecordPatentCost', data: cost }, ctx,
    ));
    return { id: cost.costId, position };
  }
}
