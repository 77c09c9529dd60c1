import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ShareLineDto } from '../patents/patents.dto';
import { GrantLicenseDto } from './license.dto';

/**
 * What the writes of DESIGN's contract answer (license-responses.ts shapes them), for the OpenAPI
 * document: amounts are decimal strings in the license currency, positions decimal strings.
 */
const Amount = (example: string, description?: string) => ApiProperty({ type: String, example, description });
const POSITION = { type: String, example: '42', description: 'global position of the append; pass as ?minPosition= to read your write' };

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
  @ApiPropertyOptional({ example: 2025 }) year?: number;
  @ApiProperty({ example: '2025-06-30', description: 'business date' }) date!: string;
  @Amount('-300.00') amount!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @Amount('22800.00') previous!: string;
  @Amount('22500.00') restated!: string;
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
  @ApiProperty({ example: 2025 }) year!: number;
  @Amount('36000.00') runningRoyalties!: string;
  @Amount('50000.00') minimumAnnual!: string;
  @Amount('14000.00') shortfall!: string;
  @ApiProperty({ type: [AllocationLineDto] }) allocations!: AllocationLineDto[];
  @ApiPropertyOptional({ type: [KnockOnAssessmentDto] }) adjustments?: KnockOnAssessmentDto[];
  @ApiProperty(POSITION) position!: string;
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
