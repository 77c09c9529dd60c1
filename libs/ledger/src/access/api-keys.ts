import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiKeyRole, apiKeyDecider, apiKeyStream } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CommandContext } from '../command-handling/command-context';
import { handleCommand } from '../command-handling/handle-command';
import { registeredParties } from '../command-handling/stream-facts';
import { EVENT_STORE } from '../event-store/tokens';

/** sha256 of a bearer token: what the ledger stores and looks keys up by. */
export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export interface IssuedApiKey {
  keyId: string;
  token: string;
  position: bigint;
}

export class IssueApiKeyCommand extends Command<IssuedApiKey> {
  constructor(readonly partyId: string, readonly role: ApiKeyRole, readonly ctx: CommandContext) {
    super();
  }
}

export class RevokeApiKeyCommand extends Command<{ position: bigint }> {
  constructor(readonly keyId: string, readonly ctx: CommandContext) {
    super();
  }
}

@CommandHandler(IssueApiKeyCommand)
export class IssueApiKeyHandler implements ICommandHandler<IssueApiKeyCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ partyId, role, ctx }: IssueApiKeyCommand): Promise<IssuedApiKey> {
    const keyId = randomUUID();
    const token = `rlk_${randomBytes(32).toString('base64url')}`;
    const partyKnown = (await registeredParties(this.store, [partyId])).length === 1;
    const { position } = await handleCommand(this.store, apiKeyStream(keyId), apiKeyDecider,
      { type: 'IssueApiKey', data: { keyId, partyId, role, tokenHash: tokenHash(token), partyKnown } }, ctx);
    return { keyId, token, position };
  }
}

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ keyId, ctx }: RevokeApiKeyCommand): Promise<{ position: bigint }> {
    const { position } = await handleCommand(this.store, apiKeyStream(keyId), apiKeyDecider, { type: 'RevokeApiKey', data: { keyId } }, ctx);
    return { position };
  }
}
