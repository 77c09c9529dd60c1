import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, LicenseCommandMessage } from '@ledger/ledger';
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../http/request-context';
import { BusinessCalendar } from '../http/business-calendar';
import { reportAssessed, restated } from './license-responses';
import { RestatementDto, SalesReportDto } from './sales-report.dto';
import { RestatedDto, SalesReportAssessedDto } from './license-responses.dto';
import { LicenseAccess } from '../auth/access-policy';
import { ledgerIdParam } from '../http/ledger-id';

/** Fresh ids for the adjustments a report or restatement may cause (the domain draws them in order). */
const idPool = (n = 16) => Array.from({ length: n }, () => randomUUID());

@ApiTags('sales reports')
@LicenseAccess('licensee')
@Controller('licenses/:id/sales-reports')
export class SalesReportsController {
  constructor(private readonly calendar: BusinessCalendar, private readonly commands: CommandBus) {}

  @Post()
  @ApiOperation({ summary: 'Submit a sales report: its royalty is assessed and split (licensee of the license, or office)' })
  @HttpCode(201)
  @ApiCreatedResponse({ type: SalesReportAssessedDto })
  async submit(@Param('id', ledgerIdParam('license')) id: string, @Body() body: SalesReportDto, @RequestContext() ctx: CommandContext) {
    const data = { ...body, reportId: randomUUID(), assessmentId: randomUUID(), assessmentIds: idPool(), today: this.calendar.today(ctx) };
    return reportAssessed(await this.commands.execute(new LicenseCommandMessage(id, { type: 'SubmitSalesReport', data }, ctx)));
  }

  @Post(':reportId/restatements')
  @ApiOperation({ summary: 'Restate a sales report: the year is re-assessed and differences assessed (licensee or office)' })
  @HttpCode(201)
  @ApiCreatedResponse({ type: RestatedDto })
  async restate(
    @Param('id', ledgerIdParam('license')) id: string,
    @Param('reportId', ledgerIdParam('sales report')) reportId: string,
    @Body() body: RestatementDto,
    @RequestContext() ctx: CommandContext,
  ) {
    const data = { ...body, reportId, assessmentIds: idPool(), today: this.calendar.today(ctx) };
    return restated(await this.commands.execute(new LicenseCommandMessage(id, { type: 'RestateSalesReport', data }, ctx)));
  }
}
