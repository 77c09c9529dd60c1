import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, PartiesQuery, RegisterPartyCommand } from '@ledger/ledger';
import { randomUUID } from 'node:crypto';
import { MinPositionQuery, ProjectionFreshness } from '../http/min-position';
import { RequestContext } from '../http/request-context';
import { PartyCreatedDto, PartyDto, RegisterPartyDto } from './parties.dto';
import { OfficeOnly, OwnParty } from '../auth/access-policy';
import { ledgerIdParam } from '../http/ledger-id';

@ApiTags('parties')
@Controller('parties')
export class PartiesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly parties: PartiesQuery,
    private readonly freshness: ProjectionFreshness,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a party: a university, company, institute, department or person (office)' })
  @HttpCode(201)
  @OfficeOnly()
  @ApiCreatedResponse({ type: PartyCreatedDto })
  async register(@Body() body: RegisterPartyDto, @RequestContext() ctx: CommandContext): Promise<PartyCreatedDto> {
    const { id, position } = await this.commands.execute(new RegisterPartyCommand(randomUUID(), body.name, body.kind, ctx));
    return { id, position: position.toString() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a party' })
  @OwnParty('partner', 'licensee')
  @ApiOkResponse({ type: PartyDto })
  @MinPositionQuery()
  async get(
    @Param('id', ledgerIdParam('party')) id: string,
    @Query('minPosition') minPosition?: string,
  ): Promise<PartyDto> {
    await this.freshness.await(minPosition);
    const party = await this.parties.findById(id);
    if (!party) throw new NotFoundException(`party ${id} not found`);
    return party;
  }
}
