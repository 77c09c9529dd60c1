import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A statement as JSON, for the OpenAPI document (statementJson in @ledger/ledger writes it). */
export class CurrencyTotalsDto {
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ type: String, example: '0.00', description: 'owed before `from`' }) opening!: string;
  @ApiProperty({ type: String, example: '20250.00' }) earned!: string;
  @ApiProperty({ type: String, example: '0.00', description: 'paid out, as a positive amount' }) paidOut!: string;
  @ApiProperty({ type: String, example: '20250.00', description: 'opening + earned − paidOut' }) closing!: string;
}

export class LineSourceDto {
  @ApiProperty({ format: 'uuid', description: 'the event the amount comes from' }) eventId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) reportId?: string;
  @ApiPropertyOptional({ example: '2025-Q1' }) period?: string;
  @ApiPropertyOptional({ example: 'first-sale' }) milestone?: string;
  @ApiPropertyOptional({ type: 'integer', example: 2025 }) year?: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'what POST /parties/{id}/payouts answered' }) payoutId?: string;
  @ApiPropertyOptional({ example: 'PAYROLL-2026-01' }) reference?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'equity proceeds: what POST /equity-deals/{id}/liquidity-events answered' }) liquidityId?: string;
}

export class StatementLineDto {
  @ApiProperty({ example: '2025-03-31', description: 'business date' }) date!: string;
  @ApiProperty({ example: 'royalty', description: 'upfront, royalty, adjustment, milestone, shortfall, shortfall-adjustment, equity-proceeds or payout' })
  kind!: string;
  @ApiProperty({ type: String, nullable: true, example: 'inventor', description: 'admin-fee, cost-recovery, inventor, beneficiary, retained or payout' })
  role!: string | null;
  @ApiProperty({ type: String, example: '1944.00', description: 'what the line adds to what the party is owed (a payout negative)' }) amount!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiPropertyOptional({ format: 'uuid' }) licenseId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) dealId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'explained by GET /parties/{id}/allocations/{allocationId}' }) allocationId?: string;
  @ApiProperty({ type: LineSourceDto }) source!: LineSourceDto;
  @ApiPropertyOptional({ type: 'integer', example: 1 }) policyVersion?: number;
  @ApiProperty({ format: 'date-time', description: 'when the ledger recorded the line' }) recordedAt!: string;
}

export class EquityHoldingDto {
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty({ format: 'uuid' }) issuerId!: string;
  @ApiProperty({ example: 'ordinary' }) shareClass!: string;
  @ApiProperty({ example: '10000000' }) fullyDilutedShares!: string;
  @ApiProperty({ format: 'uuid' }) partyId!: string;
  @ApiProperty({ example: '125000' }) shares!: string;
  @ApiProperty({ example: '1.2500' }) percent!: string;
  @ApiProperty({ example: 'CNY', description: 'the currency of costBasis and proceeds' }) currency!: string;
  @ApiProperty({ type: String, example: '125000.00' }) costBasis!: string;
  @ApiProperty({ type: String, example: '0.00' }) proceeds!: string;
}

export class StatementDto {
  @ApiProperty({ format: 'uuid' }) partyId!: string;
  @ApiProperty({ type: String, nullable: true, example: '2025-01-01' }) from!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-12-31' }) to!: string | null;
  @ApiPropertyOptional({ format: 'date-time', description: 'only what the ledger had recorded by then' }) asOf?: string;
  @ApiProperty({ type: [CurrencyTotalsDto] }) currencies!: CurrencyTotalsDto[];
  @ApiProperty({ type: [EquityHoldingDto], description: 'the party\'s IP equity positions at `to`' }) equity!: EquityHoldingDto[];
  @ApiProperty({ type: [StatementLineDto] }) lines!: StatementLineDto[];
}
