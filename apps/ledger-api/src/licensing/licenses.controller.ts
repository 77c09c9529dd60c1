import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { licenseStream } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { CommandContext, EVENT_STORE, GrantLicenseCommand, LicenseCommandMessage, LicensesQuery } from '@ledger/ledger';
import { randomUUID } from 'node:crypto';
import { ProjectionFreshness } from '../http/min-position';
import { RequestContext } from '../http/request-context';
import { BusinessCalendar } from '../http/business-calendar';
import { RequestValidationFailed } from '../http/validation';
import { CloseYearDto, GrantLicenseDto, MilestoneAchievementDto, PaymentDto, TerminationDto } from './license.dto';
import { granted, milestoneAssessed, paymentRecorded, terminated, yearClosed } from './license-responses';
import {
  DiscrepancyDto, LicenseDto, LicenseEventDto, LicenseGrantedDto, MilestoneAssessedDto, PaymentRecordedDto, TerminatedDto, YearClosedDto,
} from './license-responses.dto';
import { LicenseAccess, OfficeOnly } from '../auth/access-policy';
import { MinPositionQuery } from '../http/min-position';
import { ledgerIdParam } from '../http/ledger-id';

@ApiTags('licenses')
@Controller('licenses')
export class LicensesController {
  constructor(
    private readonly calendar: BusinessCalendar,
    private readonly commands: CommandBus,
    private readonly licenses: LicensesQuery,
    private readonly freshness: ProjectionFreshness,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Grant a license of patents: its royalty terms and revenue shares (office)' })
  @HttpCode(201)
  @OfficeOnly()
  @ApiCreatedResponse({ type: LicenseGrantedDto })
  async grant(@Body() body: GrantLicenseDto, @RequestContext() ctx: CommandContext) {
    const request = { ...body, royalty: { ...body.royalty }, licenseId: randomUUID(), assessmentId: randomUUID() };
    return granted(await this.commands.execute(new GrantLicenseCommand(request, ctx)));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a license: terms, status, totals, revision' })
  @LicenseAccess('licensee', 'partner')
  @MinPositionQuery()
  @ApiOkResponse({ type: LicenseDto })
  async get(@Param('id', ledgerIdParam('license')) id: string, @RequestContext() ctx: CommandContext, @Query('minPosition') minPosition?: string) {
    await this.freshness.await(minPosition);
    const license = await this.licenses.findById(id, this.calendar.today(ctx));
    if (!license) throw new NotFoundException(`license ${id} not found`);
    return license;
  }

  @Get(':id/events')
  @ApiOperation({ summary: "Read a license's stream as recorded, with every event's metadata" })
  @LicenseAccess('licensee', 'partner')
  @MinPositionQuery()
  @ApiOkResponse({ type: [LicenseEventDto] })
  async events(@Param('id', ledgerIdParam('license')) id: string, @Query('minPosition') minPosition?: string) {
    // The stream is read from the store, fresh already; the position is still checked and waited for, as on every GET.
    await this.freshness.await(minPosition);
    const events = await this.store.readStream(licenseStream(id));
    if (events.length === 0) throw new NotFoundException(`license ${id} not found`);
    return events.map((e) => ({
      id: e.id, type: e.type, revision: e.revision.toString(), position: e.position.toString(), data: e.data, metadata: e.metadata,
    }));
  }

  @Get(':id/discrepancies')
  @ApiOperation({ summary: "List reports whose licensee-reported royalty differs from the ledger's" })
  @LicenseAccess('licensee', 'partner')
  @MinPositionQuery()
  @ApiOkResponse({ type: [DiscrepancyDto] })
  async discrepancies(@Param('id', ledgerIdParam('license')) id: string, @RequestContext() ctx: CommandContext, @Query('minPosition') minPosition?: string) {
    await this.freshness.await(minPosition);
    if (!(await this.licenses.findById(id, this.calendar.today(ctx)))) throw new NotFoundException(`license ${id} not found`);
    return this.licenses.discrepancies(id);
  }

  @Post(':id/milestones/:code/achievements')
  @ApiOperation({ summary: 'Record a milestone achieved: its amount is assessed (office)' })
  @OfficeOnly()
  @HttpCode(201)
  @ApiCreatedResponse({ type: MilestoneAssessedDto })
  async achieve(
    @Param('id', ledgerIdParam('license')) id: string, @Param('code') code: string,
    @Body() body: MilestoneAchievementDto, @RequestContext() ctx: CommandContext,
  ) {
    const command = { type: 'AchieveMilestone' as const, data: { code, achievedOn: body.achievedOn, assessmentId: randomUUID(), today: this.calendar.today(ctx) } };
    return milestoneAssessed(await this.commands.execute(new LicenseCommandMessage(id, command, ctx)));
  }

  @Post(':id/royalty-years/:year/close')
  @ApiOperation({ summary: 'Close a royalty year: assess the minimum-annual shortfall (office)' })
  @OfficeOnly()
  @HttpCode(200)
  @ApiOkResponse({ type: YearClosedDto })
  @ApiBody({ type: CloseYearDto, required: false, description: 'none: a year is closed without fields (any sent is refused)' })
  async closeYear(@Param('id', ledgerIdParam('license')) id: string, @Param('year') year: string, @Body() _: CloseYearDto, @RequestContext() ctx: CommandContext) {
    if (!/^[1-9]\d{3}$/.test(year)) {
      throw new RequestValidationFailed([{ field: 'year', message: 'year must be a four-digit calendar year such as 2025 (1000 to 9999, as dates)' }]);
    }
    const command = { type: 'CloseRoyaltyYear' as const, data: { year: Number(year), assessmentId: randomUUID(), today: this.calendar.today(ctx) } };
    return yearClosed(await this.commands.execute(new LicenseCommandMessage(id, command, ctx)));
  }

  @Post(':id/payments')
  @ApiOperation({ summary: 'Record a payment received from the licensee (office)' })
  @OfficeOnly()
  @HttpCode(201)
  @ApiCreatedResponse({ type: PaymentRecordedDto })
  async pay(@Param('id', ledgerIdParam('license')) id: string, @Body() body: PaymentDto, @RequestContext() ctx: CommandContext) {
    const command = { type: 'RecordPayment' as const, data: { paymentId: randomUUID(), ...body, today: this.calendar.today(ctx) } };
    return paymentRecorded(await this.commands.execute(new LicenseCommandMessage(id, command, ctx)));
  }

  @Post(':id/termination')
  @ApiOperation({ summary: 'Terminate a license from a date (office)' })
  @OfficeOnly()
  @HttpCode(201)
  @ApiCreatedResponse({ type: TerminatedDto })
  async terminate(@Param('id', ledgerIdParam('license')) id: string, @Body() body: TerminationDto, @RequestContext() ctx: CommandContext) {
    const command = { type: 'TerminateLicense' as const, data: { ...body } };
    return terminated(await this.commands.execute(new LicenseCommandMessage(id, command, ctx)), this.calendar.today(ctx));
  }
}
