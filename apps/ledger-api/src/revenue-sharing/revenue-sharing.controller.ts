import { Body, Controller, Get, HttpCode, NotAcceptableException, NotFoundException, Param, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiExtraModels, ApiNotAcceptableResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import {
  AllocationExplanation, CommandContext, EquityQuery, PartiesQuery, RecordPayoutCommand, SetDistributionPolicyCommand, StatementsQuery, statementJson,
} from '@ledger/ledger';
import { DomainError, isIsoDate } from '@ledger/domain';
import { Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { MinPositionQuery, ProjectionFreshness } from '../http/min-position';
import { RequestContext } from '../http/request-context';
import { BusinessCalendar } from '../http/business-calendar';
import { RequestValidationFailed, queryDate } from '../http/validation';
import { DistributionPolicyDto, PayoutDto } from './revenue-sharing.dto';
import { OfficeOnly, OwnParty } from '../auth/access-policy';
import { CSV_COLUMNS, STATEMENT_DOCS, statementCsv } from './statement-csv';
import { StatementDto } from './statement.dto';
import { AllocationExplanationDto, PayoutRecordedDto, PolicySetDto } from './revenue-sharing-responses.dto';
import { ledgerIdParam } from '../http/ledger-id';

const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');
const INSTANT = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** asOf accepts a date (the end of that business day in LEDGER_TIME_ZONE) or an ISO instant; normalised to UTC for comparison. */
function asOfInstant(given: string, calendar: BusinessCalendar): string {
  // An offset's + typed into a URL unencoded arrives as a space (query strings read + so): nothing else puts one there.
  const asOf = given.replace(/(T[\d:.]+) (\d{2}:\d{2})$/, '$1+$2');
  const match = INSTANT.exec(asOf);
  const time = new Date(match?.[2] ? asOf : match && isIsoDate(match[1]) ? calendar.endOfDay(match[1]) : Number.NaN);
  if (!match || !isIsoDate(match[1]) || Number.isNaN(time.getTime())) {
    throw new RequestValidationFailed([{ field: 'asOf', message: 'asOf must be a date YYYY-MM-DD or an ISO instant' }]);
  }
  // Past year 9999 an ISO instant takes a sign (+010000-…), which sorts before every recorded time.
  return time.getTime() > LAST_INSTANT ? new Date(LAST_INSTANT).toISOString() : time.toISOString();
}

@ApiTags('revenue sharing')
@Controller('parties/:id')
export class RevenueSharingController {
  constructor(
    private readonly calendar: BusinessCalendar,
    private readonly commands: CommandBus,
    private readonly statements: StatementsQuery,
    private readonly explanation: AllocationExplanation,
    private readonly parties: PartiesQuery,
    private readonly freshness: ProjectionFreshness,
    private readonly equity: EquityQuery,
  ) {}

  @Put('distribution-policy')
  @ApiOperation({ summary: "Set a party's distribution policy: admin fee, cost recovery, shares or bands (office)" })
  @OfficeOnly()
  @HttpCode(200)
  @ApiOkResponse({ type: PolicySetDto })
  async setPolicy(@Param('id', ledgerIdParam('party')) partyId: string, @Body() body: DistributionPolicyDto, @RequestContext() ctx: CommandContext) {
    if ((body.shares === undefined) === (body.bands === undefined)) {
      throw new RequestValidationFailed([{ field: 'shares', message: 'give either shares or bands, not both or neither' }]);
    }
    const bands = body.bands ?? [{ shares: body.shares ?? [] }];
    const { version, position } = await this.commands.execute(new SetDistributionPolicyCommand(
      { partyId, adminFeePercent: body.adminFeePercent, recoverPatentCosts: body.recoverPatentCosts, bands }, ctx,
    )).catch((error: unknown) => {
      // A flat table is one band to the domain: its errors name the field the client sent.
      if (body.shares && error instanceof DomainError && error.field?.startsWith('bands[0].shares')) {
        const sent = (text: string) => text.replaceAll('bands[0].shares', 'shares');
        throw new DomainError(error.code, sent(error.message), error.kind, sent(error.field));
      }
      throw error;
    });
    return { partyId, version, position: position.toString() };
  }

  @Post('payouts')
  @ApiOperation({ summary: 'Record a payout to a party, up to what it is owed (office)' })
  @OfficeOnly()
  @HttpCode(201)
  @ApiCreatedResponse({ type: PayoutRecordedDto })
  async payout(@Param('id', ledgerIdParam('party')) partyId: string, @Body() body: PayoutDto, @RequestContext() ctx: CommandContext) {
    const payoutId = randomUUID();
    const { payout, position } = await this.commands.execute(new RecordPayoutCommand({ payoutId, partyId, ...body, today: this.calendar.today(ctx) }, ctx));
    return { ...payout, position: position.toString() }; // as recorded: "500" was answered "500", recorded "500.00"
  }

  @Get('statement')
  @OwnParty('partner')
  @ApiOperation(STATEMENT_DOCS)
  @ApiExtraModels(StatementDto)
  @ApiOkResponse({ content: { 'application/json': { schema: { $ref: getSchemaPath(StatementDto) } }, 'text/csv': { schema: { type: 'string' } } } })
  @ApiNotAcceptableResponse({ description: 'an Accept that allows neither application/json nor text/csv' })
  @ApiQuery({ name: 'from', required: false }) @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'asOf', required: false }) @MinPositionQuery()
  async statement(
    @Param('id', ledgerIdParam('party')) partyId: string,
    // The response is sent here (a Buffer, which Nest would serialize as an object), so Express still
    // answers If-None-Match with a 304.
    @Res() res: Response,
    @Query('from') from?: string, @Query('to') to?: string, @Query('asOf') asOf?: string, @Query('minPosition') minPosition?: string,
  ) {
    // One URL, two representations: a shared cache must key on Accept (304s too), or it serves JSON to a CSV client.
    res.vary('Accept');
    // By the client's preferences (q-values): `application/json;q=1, text/csv;q=0.1` is JSON; no Accept is JSON.
    const type = res.req.accepts(['application/json', 'text/csv']);
    if (!type) throw new NotAcceptableException('the statement is served as application/json or text/csv');
    queryDate('from', from);
    queryDate('to', to);
    if (from !== undefined && to !== undefined && to < from) throw new RequestValidationFailed([{ field: 'to', message: `to ${to} is before from ${from}` }]);
    await this.freshness.await(minPosition);
    if (!(await this.parties.findById(partyId))) throw new NotFoundException(`party ${partyId} not found`);
    const recordedBy = asOf === undefined ? undefined : asOfInstant(asOf, this.calendar);
    const statement = await this.statements.statement(partyId, { from, to, asOf: recordedBy });
    // A weak ETag from what the statement is made of, so Express need not hash a body of megabytes
    // (10,000 lines: p99 39 → 24 ms); If-None-Match still gets a 304.
    const tag = (parts: unknown[]) => res.set('ETag', `W/"${createHash('sha1').update(JSON.stringify(parts)).digest('base64url')}"`);
    if (type === 'application/json') {
      // The equity section: the party's position in each IP equity deal at the statement's end date, as
      // the ledger had it recorded by asOf, like the lines.
      const equity = await this.equity.holdingsOf(partyId, to, recordedBy);
      const { head, body } = statementJson(statement, { equity });
      // Everything before the lines as sent (totals, equity), and the version of the lines after it.
      tag(['json', statement.version, head]);
      res.type('application/json').send(body);
      return;
    }
    // The lines' version counts the party's lines through `to` and `asOf`, not from `from`: the period goes in too.
    tag(['csv', CSV_COLUMNS, from ?? null, to ?? null, recordedBy ?? null, statement.version]);
    res.type('text/csv').attachment(`statement-${partyId}.csv`).send(statementCsv(statement));
  }

  @Get('allocations/:allocationId')
  @ApiOperation({ summary: 'Explain one allocation down to the report, sale or write that made it' })
  @OwnParty('partner')
  @MinPositionQuery()
  @ApiOkResponse({ type: AllocationExplanationDto })
  async allocation(
    @Param('id', ledgerIdParam('party')) partyId: string,
    @Param('allocationId', ledgerIdParam('allocation')) allocationId: string,
    @Query('minPosition') minPosition?: string,
  ) {
    await this.freshness.await(minPosition);
    const explained = await this.explanation.explain(partyId, allocationId);
    if (!explained) throw new NotFoundException(`allocation ${allocationId} not found for party ${partyId}`);
    return explained;
  }
}
