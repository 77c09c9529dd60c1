import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsUUID, Matches, ValidateNested } from 'class-validator';
import { CurrencyCode, DecimalString, IsoDate, RequiredText } from '../http/wire-formats';
import { Amount, POSITION } from '../http/response-formats';
import { LowerCaseId } from '../http/ledger-id';

const WholeShares = (example: string) =>
  function (target: object, key: string) {
    ApiProperty({ type: String, example, description: 'a whole number of shares, as a string' })(target, key);
    Matches(/^[1-9]\d{0,15}$/, { message: `${key} must be a whole number of shares written as a string, such as "${example}"` })(target, key);
  };

export class AntiDilutionDto {
  @DecimalString('5000000.00', { description: 'protection lasts until this much new money has been raised' }) untilRaised!: string;
}

export class CreateEquityDealDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() @LowerCaseId() issuerId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() @LowerCaseId() holderId!: string;
  @ApiProperty({ format: 'uuid', required: false }) @IsOptional() @IsUUID() @LowerCaseId() licenseId?: string;
  @RequiredText(64, 'ordinary') shareClass!: string;
  @WholeShares('500000') shares!: string;
  @WholeShares('10000000') fullyDilutedShares!: string;
  @DecimalString('1.00') pricePerShare!: string;
  @CurrencyCode() currency!: string;
  @ApiProperty({ type: AntiDilutionDto, required: false }) @IsOptional() @IsObject({ message: 'antiDilution must be an object' }) @ValidateNested() @Type(() => AntiDilutionDto)
  antiDilution?: AntiDilutionDto;
  @IsoDate('2025-01-01', { required: false }) @IsOptional() grantedOn?: string;
}

export class FundingRoundDto {
  @WholeShares('2500000') newShares!: string;
  @DecimalString('2.00', { description: "a non-negative decimal string; 0 for shares issued for nothing (a bonus issue, an option pool's growth): they raise nothing, and while anti-dilution runs all of them are protected" })
  pricePerShare!: string;
  @IsoDate('2025-06-30') closedOn!: string;
}

export class LiquidityEventDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() @LowerCaseId() holderId!: string;
  @WholeShares('100000') sharesSold!: string;
  @DecimalString('400000.00') proceeds!: string;
  @CurrencyCode() currency!: string;
  @IsoDate('2026-03-31') occurredOn!: string;
}

export class CapTableHolderDto {
  @ApiProperty({ format: 'uuid' }) partyId!: string;
  @ApiProperty({ example: '250000' }) shares!: string;
  @ApiProperty({ example: '2.5000', description: 'of the fully diluted shares, to 4 places' }) percent!: string;
  @ApiProperty({ type: String, example: '250000.00' }) costBasis!: string;
  @ApiProperty({ type: String, example: '0.00', description: 'realized by sales' }) proceeds!: string;
}

/** GET /equity-deals/{id}: the cap table folded from the deal's stream, as of a business date. */
export class CapTableDto {
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty({ format: 'uuid' }) issuerId!: string;
  @ApiProperty({ example: 'ordinary' }) shareClass!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiPropertyOptional({ example: '2025-06-30' }) asOf?: string;
  @ApiProperty({ example: '10000000' }) fullyDilutedShares!: string;
  @ApiProperty({ description: 'whether anti-dilution protection is over' }) protectionEnded!: boolean;
  @ApiProperty({ type: [CapTableHolderDto] }) holders!: CapTableHolderDto[];
}

/** What the equity writes answer, for the OpenAPI document: share counts whole numbers as strings, money decimal strings. */
export class ShareHoldingDto {
  @ApiProperty({ format: 'uuid' }) partyId!: string;
  @ApiProperty({ example: '125000', description: 'a whole number of shares, as a string' }) shares!: string;
}

export class EquityDealCreatedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: [ShareHoldingDto], description: "the inventors' part of the shares, by the holder's policy (largest remainder); may be empty" })
  awards!: ShareHoldingDto[];
  @ApiProperty(POSITION) position!: string;
}

export class FundingRoundRecordedDto {
  @ApiProperty({ format: 'uuid' }) roundId!: string;
  @ApiProperty({ example: '2500000' }) newShares!: string;
  @Amount('2.00') pricePerShare!: string;
  @Amount('5000000.00', 'newShares × pricePerShare, in the deal currency') raised!: string;
  @ApiProperty({ example: '2025-06-30' }) closedOn!: string;
  @ApiProperty({ example: '12631579', description: 'after the round and its top-ups' }) fullyDilutedShares!: string;
  @ApiProperty({ description: 'whether anti-dilution protection covered (part of) the round' }) 'protected'!: boolean;
  @Amount('5000000.00', 'raised by every round so far, in the deal currency') cumulativeRaised!: string;
  @ApiPropertyOptional({ example: '2500000', description: 'of a protected round, the new shares protection covered (the rest dilute the stake)' })
  protectedShares?: string;
  @ApiProperty({ example: 'CNY', description: 'the currency of raised and cumulativeRaised' }) currency!: string;
  @ApiProperty({ type: [ShareHoldingDto], description: 'anti-dilution top-ups issued by this round; may be empty' }) topUps!: ShareHoldingDto[];
  @ApiProperty({ description: 'whether anti-dilution protection is over once this round is in (ended now or before)' }) protectionEnded!: boolean;
  @ApiProperty(POSITION) position!: string;
}

export class LiquidityRecordedDto {
  @ApiProperty({ format: 'uuid', description: "its allocations' source.liquidityId" }) liquidityId!: string;
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty({ format: 'uuid' }) holderId!: string;
  @ApiProperty({ example: '100000' }) sharesSold!: string;
  @Amount('400000.00', "at the currency's minor unit") proceeds!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ example: '2026-03-31' }) occurredOn!: string;
  @ApiProperty(POSITION) position!: string;
}
