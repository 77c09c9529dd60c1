import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { API_KEY_ROLES, ApiKeyRole } from '@ledger/domain';
import { CommandContext, IssueApiKeyCommand, RevokeApiKeyCommand } from '@ledger/ledger';
import { ShownOnce } from '../http/idempotency.interceptor';
import { ProjectionFreshness } from '../http/min-position';
import { RequestContext } from '../http/request-context';
import { OfficeOnly } from './access-policy';
import { ApiKeyIssuedDto, ApiKeyRevokedDto } from './api-key-responses.dto';
import { LowerCaseId, ledgerIdParam } from '../http/ledger-id';

export class IssueApiKeyDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() @LowerCaseId() partyId!: string;
  @ApiProperty({ enum: API_KEY_ROLES })
  @IsIn(API_KEY_ROLES, { message: `role must be one of: ${API_KEY_ROLES.join(', ')}` })
  role!: ApiKeyRole;
}

@ApiTags('access')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly commands: CommandBus, private readonly freshness: ProjectionFreshness) {}

  /** The token is shown once, here; the ledger keeps only its hash (a replay of the same Idempotency-Key answers without it). */
  @Post()
  @ApiOperation({ summary: 'Issue an API key for a party (office): the token is shown once' })
  @HttpCode(201)
  @OfficeOnly()
  @ShownOnce('token')
  @ApiCreatedResponse({ type: ApiKeyIssuedDto })
  async issue(@Body() body: IssueApiKeyDto, @RequestContext() ctx: CommandContext) {
    const { keyId, token, position } = await this.commands.execute(new IssueApiKeyCommand(body.partyId, body.role, ctx));
    return { id: keyId, token, partyId: body.partyId, role: body.role, position: position.toString() };
  }

  @Delete(':keyId')
  @ApiOperation({ summary: 'Revoke an API key (office)' })
  @HttpCode(200)
  @OfficeOnly()
  @ApiOkResponse({ type: ApiKeyRevokedDto })
  async revoke(
    @Param('keyId', ledgerIdParam('api key')) keyId: string,
    @RequestContext() ctx: CommandContext,
  ) {
    const { position } = await this.commands.execute(new RevokeApiKeyCommand(keyId, ctx));
    // Keys are authenticated from a read model: answer once the revocation is in it, so the key is refused from here on.
    await this.freshness.await(position.toString());
    return { id: keyId, revoked: true, position: position.toString() };
  }
}
