import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AntiDilutionTopUpIssued, DomainError, EquityAwarded, EquityEvent, EquityLiquidated, FundingRoundRecorded } from '@ledger/domain';
import { CommandContext, CreateEquityDealCommand, EquityCommandMessage, EquityOutcome, EquityQuery } from '@ledger/ledger';
import { randomUUID } from 'node:crypto';
import { OfficeOnly } from '../auth/access-policy';
import { RequestContext } from '../http/request-context';
import { BusinessCalendar } from '../http/business-calendar';
import { queryDate } from '../http/validation';
import { MinPositionQuery, ProjectionFreshness } from '../http/min-position';
import { ledgerIdParam } from '../http/ledger-id';
import {
  CapTableDto, CreateEquityDealDto, EquityDealCreatedDto, FundingRoundDto, FundingRoundRecordedDto, LiquidityEventDto, LiquidityRecordedDto,
} from './equity.dto';

/** The event of one type among those a command decided. */
const decided = <E extends EquityEvent>(outcome: EquityOutcome, type: E['type']) =>
  (outcome.events.find((e) => e.type === type) as E | undefined)?.data as E['data'] | undefined;

@ApiTags('equity')
@OfficeOnly()
@Controller('equity-deals')
export class EquityController {
  constructor(
    private readonly calendar: BusinessCalendar,
    private readonly commands: CommandBus,
    private readonly equity: EquityQuery,
    private readonly freshness: ProjectionFreshness,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Record an equity-for-IP deal: shares granted to a holder, possibly for a license (office)' })
  @HttpCode(201)
  @ApiCreatedResponse({ type: EquityDealCreatedDto })
  async create(@Body() body: CreateEquityDealDto, @RequestContext() ctx: CommandContext) {
    const dealId = randomUUID();
    const outcome = await this.commands.execute(new CreateEquityDealCommand({ ...body, dealId, grantedOn: body.grantedOn ?? this.calendar.today(ctx), today: this.calendar.today(ctx) }, ctx));
    return { id: dealId, awards: decided<EquityAwarded>(outcome, 'EquityAwarded')?.awards ?? [], position: outcome.position.toString() };
  }

  @Post(':id/funding-rounds')
  @ApiOperation({ summary: 'Record a funding round: new shares dilute, or top up a protected stake (office)' })
  @HttpCode(201)
  @ApiCreatedResponse({ type: FundingRoundRecordedDto })
  async fundingRound(@Param('id', ledgerIdParam('equity deal')) dealId: string, @Body() body: FundingRoundDto, @RequestContext() ctx: CommandContext) {
    const roundId = randomUUID();
    const outcome = await this.commands.execute(new EquityCommandMessage(dealId, { type: 'RecordFundingRound', data: { roundId, ...body, today: this.calendar.today(ctx) } }, ctx));
    return {
      ...decided<FundingRoundRecorded>(outcome, 'FundingRoundRecorded'),
      // raised and cumulativeRaised are in the deal's currency, which a deal without a license names nowhere else.
      currency: outcome.state.granted ? outcome.state.terms.currency : undefined,
      topUps: decided<AntiDilutionTopUpIssued>(outcome, 'AntiDilutionTopUpIssued')?.topUps ?? [],
      /** Whether anti-dilution protection is over once this round is in (ended now or before). */
      protectionEnded: outcome.state.granted && outcome.state.protectionEnded,
      position: outcome.position.toString(),
    };
  }

  @Post(':id/liquidity-events')
  @ApiOperation({ summary: 'Record a sale of shares: proceeds are distributed like royalties (office)' })
  @HttpCode(201)
  @ApiCreatedResponse({ type: LiquidityRecordedDto })
  async liquidity(@Param('id', ledgerIdParam('equity deal')) dealId: string, @Body() body: LiquidityEventDto, @RequestContext() ctx: CommandContext) {
    const liquidityId = randomUUID();
    const outcome = await this.commands.execute(new EquityCommandMessage(dealId, { type: 'RecordLiquidityEvent', data: { liquidityId, ...body, today: this.calendar.today(ctx) } }, ctx));
    return { ...decided<EquityLiquidated>(outcome, 'EquityLiquidated'), position: outcome.position.toString() };
  }

  @Get(':id')
  @ApiOperation({ summary: "Read a deal's cap table, optionally as of a date" })
  @ApiQuery({ name: 'asOf', required: false, description: 'a business date YYYY-MM-DD' })
  @MinPositionQuery()
  @ApiOkResponse({ type: CapTableDto })
  async capTable(@Param('id', ledgerIdParam('equity deal')) dealId: string, @Query('asOf') asOf?: string, @Query('minPosition') minPosition?: string) {
    // Folded from the deal's stream, fresh already; the position is still checked and waited for, as on every GET.
    const date = queryDate('asOf', asOf);
    await this.freshness.await(minPosition);
    const table = await this.equity.capTable(dealId, date);
    if (table) return table;
    // A deal granted after asOf had no cap table then: say so, rather than that the deal does not exist.
    if (date !== undefined && (await this.equity.capTable(dealId))) {
      throw new DomainError('deal-not-granted-yet', `equity deal ${dealId} was not granted yet on ${date}`, 'not-found', 'asOf');
    }
    throw new NotFoundException(`equity deal ${dealId} not found`);
  }
}
