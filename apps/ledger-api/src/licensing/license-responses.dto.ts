import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ShareLineDto } from '../patents/patents.dto';
import { GrantLicenseDto } from './license.dto';
import { Amount, POSITION } from '../http/response-formats';

/**
 * What the writes of DESIGN's contract answer (license-responses.ts shapes them), for the OpenAPI
 * document: amounts are decimal strings in the license currency, positions decimal strings.
 */
export class AllocationLineDto {
  @ApiProperty({ format: 'uuid' }) partyId!: string;
  @Amount('8640.00') amount!: string;
}

export class TierLineDto {
  @ApiPropertyOptional({ type: String, example: '1000000.00' }) upTo?: string;
  @ApiProperty({ type: String, example: '3' }) ratePercent!: string;
  @Amount('480000.00', "the part of the report's net sales in this tier") base!: string;
  @Amount('14400.00', 'its exact royalty, before the report is rounded') amount!: string;
}

export class AdjustmentLineDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ example: '2025-Q1' }) period!: string;
  @Amount('14400.00') previous!: string;
  @Amount('13500.00') restated!: string;
  @Amount('-900.00') delta!: string;
}

/** An assessment another write caused: a report's royalty moved, or a closed year's shortfall. */
export class KnockOnAssessmentDto {
  @ApiProperty({ format: 'uuid' }) assessmentId!: string;
  @ApiProperty({ enum: ['adjustment', 'shortfall-adjustment'] }) kind!: string;
  @ApiPropertyOptional({ format: 'uuid' }) reportId?: string;
  @ApiPropertyOptional({ example: '2025-Q2' }) period?: string;
  @ApiPropertyOptional({ type: 'integer', example: 2025 }) year?: number;
  @ApiProperty({ example: '2025-06-30', description: 'business date' }) date!: string;
  @Amount('-300.00') amount!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @Amount('22800.00') previous!: string;
  @Amount('22500.00') restated!: string;
  @Amount('-300.00', 'restated − previous: the amount, named as in a restatement\'s adjustments') delta!: string;
  @ApiPropertyOptional({ type: Object, description: "what moved it: {kind: 'restatement' | 'late-report', reportId} or {kind: 'year-closed', year}" })
  cause?: object;
  @ApiProperty({ type: [AllocationLineDto] }) allocations!: AllocationLineDto[];
}

export class SalesReportAssessedDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ example: '2025-Q1' }) period!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @Amount('480000.00') netSales!: string;
  @Amount('14400.00', 'running (tiers and per unit) plus sublicense royalty, rounded') royalty!: string;
  @ApiProperty({ type: [TierLineDto] }) tiers!: TierLineDto[];
  @Amount('0.00') perUnitAmount!: string;
  @Amount('0.00') sublicenseAmount!: string;
  @ApiProperty({ description: 'whether a cap lowered it' }) capped!: boolean;
  @ApiProperty({ type: [AllocationLineDto], description: "the licensors' parts" }) allocations!: AllocationLineDto[];
  @ApiPropertyOptional({ type: String, example: '14400.00' }) royaltyReported?: string;
  @ApiPropertyOptional({ type: String, example: '0.00', description: 'royaltyReported − royalty, when they differ' }) discrepancy?: string;
  @ApiPropertyOptional({ type: [KnockOnAssessmentDto], description: 'later reports or closed years a late report moved' })
  adjustments?: KnockOnAssessmentDto[];
  @ApiProperty(POSITION) position!: string;
}

export class RestatementAssessmentDto {
  @ApiProperty({ format: 'uuid' }) assessmentId!: string;
  @ApiProperty({ enum: ['adjustment', 'shortfall-adjustment'] }) kind!: string;
  @Amount('-900.00') amount!: string;
  @ApiProperty({ type: [AllocationLineDto] }) allocations!: AllocationLineDto[];
}

export class RestatedDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @Amount('450000.00') netSales!: string;
  @Amount('480000.00') previousNetSales!: string;
  @ApiProperty({ type: [AdjustmentLineDto], description: 'every report whose royalty moved, and always the restated one' })
  adjustments!: AdjustmentLineDto[];
  @ApiPropertyOptional({ type: [KnockOnAssessmentDto] }) shortfallAdjustments?: KnockOnAssessmentDto[];
  @ApiProperty({ type: [RestatementAssessmentDto] }) assessments!: RestatementAssessmentDto[];
  @ApiProperty(POSITION) position!: string;
}

export class YearClosedDto {
  @ApiProperty({ type: 'integer', example: 2025 }) year!: number;
  @Amount('36000.00') runningRoyalties!: string;
  @Amount('50000.00') minimumAnnual!: string;
  @Amount('14000.00') shortfall!: string;
  @ApiProperty({ type: [AllocationLineDto] }) allocations!: AllocationLineDto[];
  @ApiPropertyOptional({ type: [KnockOnAssessmentDto] }) adjustments?: KnockOnAssessmentDto[];
  @ApiProperty(POSITION) position!: string;
}

export class UpfrontAssessedDto {
  @Amount('100000.00', 'the upfront fee, assessed at grant') amount!: string;
  @ApiProperty({ type: [AllocationLineDto], description: "the licensors' parts" }) allocations!: AllocationLineDto[];
}

/** POST /licenses: the new license, the shares its income splits by, and its upfront fee's assessment. */
export class LicenseGrantedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: [ShareLineDto], description: "as given, else the ownership shares of its patents" }) revenueShares!: ShareLineDto[];
  @ApiPropertyOptional({ type: UpfrontAssessedDto, description: 'when the terms have an upfront fee above zero' }) upfront?: UpfrontAssessedDto;
  @ApiProperty(POSITION) position!: string;
}

export class MilestoneAssessedDto {
  @ApiProperty({ example: 'first-sale', description: "the milestone's code in the license terms" }) milestone!: string;
  @ApiProperty({ example: '2025-03-01' }) achievedOn!: string;
  @Amount('20000.00', 'its amount in the license terms, assessed now') amount!: string;
  @ApiProperty({ type: [AllocationLineDto], description: "the licensors' parts" }) allocations!: AllocationLineDto[];
  @ApiProperty(POSITION) position!: string;
}

export class PaymentRecordedDto {
  @ApiProperty({ format: 'uuid' }) paymentId!: string;
  @Amount('60000.00', "at the currency's minor unit") amount!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ example: '2025-04-01' }) receivedOn!: string;
  @ApiProperty({ example: 'wire 42' }) reference!: string;
  @ApiProperty(POSITION) position!: string;
}

export class TerminatedDto {
  @ApiProperty({ enum: ['active', 'terminated'], description: 'active until effectiveOn (notice given), terminated after it' }) status!: string;
  @ApiProperty({ example: '2027-06-30' }) effectiveOn!: string;
  @ApiProperty({ example: 'breach of reporting obligations' }) reason!: string;
  @ApiProperty(POSITION) position!: string;
}

/** GET /licenses/{id}/discrepancies: reports whose licensee-reported royalty differs from the one assessed now. */
export class DiscrepancyDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ example: '2025-Q1' }) period!: string;
  @Amount('14000.00') royaltyReported!: string;
  @Amount('14400.00', "the report's royalty as the ledger assesses it now (after restatements)") royaltyAssessed!: string;
  @Amount('-400.00', 'royaltyReported − royaltyAssessed') difference!: string;
}

export class ActorDto {
  @ApiProperty({ example: 'bootstrap-admin', description: "the acting API key's id, or bootstrap-admin" }) id!: string;
  @ApiProperty({ enum: ['office', 'licensee', 'partner'], example: 'office' }) role!: string;
  @ApiPropertyOptional({ format: 'uuid', description: "the party an issued API key acts for (absent for the bootstrap token)" }) partyId?: string;
}

export class EventMetadataDto {
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({ example: 'onboarding-42', description: "the client's X-Correlation-Id, else its X-Request-Id (up to 128 of A-Z a-z 0-9 . _ : -), else the request id: not always a uuid" })
  correlationId!: string;
  @ApiProperty({ example: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', description: "the server's id of the request that recorded it; for an allocation, the id of its source event" })
  causationId!: string;
  @ApiProperty({ format: 'date-time', description: 'when the ledger recorded the event' }) recordedAt!: string;
}

/** GET /licenses/{id}/events: the license stream as stored. */
export class LicenseEventDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    example: 'RoyaltyAssessed',
    description: 'LicenseGranted, SalesReportSubmitted, SalesReportRestated, RoyaltyAssessed, MilestoneAchieved, RoyaltyYearClosed, PaymentReceived or LicenseTerminated',
  })
  type!: string;
  @ApiProperty({ example: '1', description: 'its revision in the license stream' }) revision!: string;
  @ApiProperty({ example: '12', description: 'its global position' }) position!: string;
  @ApiProperty({ type: Object, description: "the event's data, by its type (amounts decimal strings in the license currency)" }) data!: object;
  @ApiProperty({ type: EventMetadataDto }) metadata!: EventMetadataDto;
}

export class LicenseTotalsDto {
  @Amount('1150000.00') netSales!: string;
  @Amount('150000.00', 'upfront fee, royalties, adjustments, milestones and shortfalls') royaltiesAssessed!: string;
  @Amount('50000.00') paymentsReceived!: string;
  @Amount('100000.00', 'royaltiesAssessed − paymentsReceived') balanceDue!: string;
}

export class TerminationViewDto {
  @ApiProperty({ example: '2027-06-30' }) effectiveOn!: string;
  @ApiProperty({ example: 'breach of reporting obligations' }) reason!: string;
}

/** GET /licenses/{id}: the terms as granted (amounts at the currency's unit), status, totals and revision. */
export class LicenseDto extends OmitType(GrantLicenseDto, ['revenueShares', 'rounding'] as const) {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) licenseId!: string;
  @ApiProperty({ type: [ShareLineDto] }) revenueShares!: ShareLineDto[];
  @ApiProperty({ enum: ['half-up', 'half-even'] }) rounding!: string;
  @ApiProperty({ enum: ['active', 'terminated', 'expired'] }) status!: string;
  @ApiPropertyOptional({ type: TerminationViewDto }) termination?: TerminationViewDto;
  @ApiProperty({ type: LicenseTotalsDto }) totals!: LicenseTotalsDto;
  @ApiProperty({ example: '11', description: "the license stream's last revision" }) revision!: string;
}
