import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Amount, POSITION } from '../http/response-formats';

/** What the party-level writes and the allocation explanation answer, for the OpenAPI document. */
export class PolicySetDto {
  @ApiProperty({ format: 'uuid' }) partyId!: string;
  @ApiProperty({ type: 'integer', example: 1, description: "the policy's version: allocations name the version they applied" }) version!: number;
  @ApiProperty(POSITION) position!: string;
}

export class PayoutRecordedDto {
  @ApiProperty({ format: 'uuid', description: "its statement line's source.payoutId" }) payoutId!: string;
  @ApiProperty({ format: 'uuid' }) partyId!: string;
  @Amount('5000.00', "as recorded, at the currency's minor unit (5000 sent is 5000.00)") amount!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ example: '2026-01-15' }) paidOn!: string;
  @ApiProperty({ example: 'PAYROLL-2026-01', description: 'as recorded: trimmed' }) reference!: string;
  @ApiProperty(POSITION) position!: string;
}

/** One recorded event as the explanation shows it. */
export class ExplainedEventDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'DistributionAllocated' }) type!: string;
  @ApiProperty({ example: '3', description: 'its revision in its stream' }) revision!: string;
  @ApiProperty({ type: Object, description: "the event's data, by its type (amounts decimal strings)" }) data!: object;
  @ApiProperty({ format: 'date-time', description: 'when the ledger recorded it' }) recordedAt!: string;
}

/** GET /parties/{id}/allocations/{allocationId}: one allocation traced down to its origin. */
@ApiExtraModels(ExplainedEventDto)
export class AllocationExplanationDto {
  @ApiProperty({ format: 'uuid' }) allocationId!: string;
  @ApiProperty({ format: 'uuid', description: 'the party asking (the allocating party or one it paid a part to)' }) partyId!: string;
  @ApiProperty({ format: 'uuid', description: 'the licensor whose policy made the allocation' }) allocatedBy!: string;
  @ApiProperty({ type: ExplainedEventDto, description: 'the DistributionAllocated: policy version, admin fee, cost recovery, every beneficiary line' })
  allocation!: ExplainedEventDto;
  // OpenAPI 3.0 has no null type: `nullable` beside a $ref is ignored by strict validators, which then refuse
  // the null; an enum of null alone, nullable, is the 3.0.3 way to say "or null".
  @ApiProperty({
    oneOf: [{ $ref: getSchemaPath(ExplainedEventDto) }, { type: 'object', nullable: true, enum: [null] }],
    description: 'the DistributionPolicySet of the version applied; null when the party had none',
  })
  policy!: ExplainedEventDto | null;
  @ApiPropertyOptional({ type: ExplainedEventDto, description: "a license's income: the RoyaltyAssessed it came from" }) assessment?: ExplainedEventDto;
  @ApiPropertyOptional({ type: ExplainedEventDto, description: "a report's royalty: the report's figures in force when it was assessed" })
  salesReport?: ExplainedEventDto;
  @ApiPropertyOptional({ type: ExplainedEventDto, description: "an adjustment's cause: the SalesReportRestated, the late SalesReportSubmitted (with the figures that moved it) or the RoyaltyYearClosed, recorded in the same request; a shortfall's: the RoyaltyYearClosed of its year (runningRoyalties, minimumAnnual)" })
  causedBy?: ExplainedEventDto;
  @ApiPropertyOptional({ type: ExplainedEventDto, description: 'equity proceeds: the EquityLiquidated they came from' }) liquidityEvent?: ExplainedEventDto;
}
