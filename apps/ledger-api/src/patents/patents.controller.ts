import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, PatentsQuery, RecordPatentCostCommand, RegisterPatentCommand } from '@ledger/ledger';
import { randomUUID } from 'node:crypto';
import { ProjectionFreshness } from '../http/min-position';
import { RequestContext } from '../http/request-context';
import { BusinessCalendar } from '../http/business-calendar';
import { PatentCostDto, PatentCostRecordedDto, PatentDto, PatentRegisteredDto, RegisterPatentDto } from './patents.dto';
import { OfficeOnly } from '../auth/access-policy';
import { MinPositionQuery } from '../http/min-position';
import { ledgerIdParam } from '../http/ledger-id';

@ApiTags('patents')
@OfficeOnly()
@Controller('patents')
export class PatentsController {
  constructor(
    private readonly calendar: BusinessCalendar,
    private readonly commands: CommandBus,
    private readonly patents: PatentsQuery,
    private readonly freshness: ProjectionFreshness,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a patent with its owners and inventors (office)' })
  @HttpCode(201)
  @ApiCreatedResponse({ type: PatentRegisteredDto })
  async register(@Body() body: RegisterPatentDto, @RequestContext() ctx: CommandContext) {
    const { id, position } = await this.commands.execute(new RegisterPatentCommand(body, ctx));
    return { id, position: position.toString() };
  }

  @Post(':id/costs')
  @ApiOperation({ summary: 'Record a patent cost an owner bore, recoverable from income (office)' })
  @HttpCode(201)
  @ApiCreatedResponse({ type: PatentCostRecordedDto })
  async recordCost(@Param('id', ledgerIdParam('patent')) patentId: string, @Body() body: PatentCostDto, @RequestContext() ctx: CommandContext) {
    const { id, position } = await this.commands.execute(new RecordPatentCostCommand({ patentId, costId: randomUUID(), ...body, today: this.calendar.today(ctx) }, ctx));
    return { costId: id, position: position.toString() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a patent' })
  @MinPositionQuery()
  @ApiOkResponse({ type: PatentDto })
  async get(@Param('id', ledgerIdParam('patent')) id: string, @Query('minPosition') minPosition?: string) {
    await this.freshness.await(minPosition);
    const patent = await this.patents.findById(id);
    if (!patent) throw new NotFoundException(`patent ${id} not found`);
    return patent;
  }
}
