import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsObject, IsOptional, IsUUID, Matches, ValidateNested,
} from 'class-validator';
import { ShareLineDto } from '../patents/patents.dto';
import { CurrencyCode, DecimalString, IsoDate, OptionalText, PercentString, RequiredText } from '../http/wire-formats';
import { LowerCaseId } from '../http/ledger-id';

export class TierDto {
  @DecimalString('1000000.00', { required: false }) @IsOptional() upTo?: string;
  @PercentString('3') ratePercent!: string;
}

export class MilestoneDto {
  @ApiProperty({ example: 'first-sale' }) @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'code must be 1-64 letters, digits, - or _' })
  code!: string;
  @DecimalString('50000.00') amount!: string;
  @OptionalText(500) description?: string;
}

export class RoyaltyTermsDto {
  @ApiProperty({ type: [TierDto], minItems: 1, maxItems: 20 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => TierDto)
  tiers!: TierDto[];

  @ApiProperty({ enum: ['calendar-year', 'lifetime'] })
  @IsIn(['calendar-year', 'lifetime'], { message: 'tierBasis must be "calendar-year" or "lifetime"' })
  tierBasis!: 'calendar-year' | 'lifetime';

  @DecimalString('0.50', { required: false }) @IsOptional() perUnit?: string;
  @DecimalString('50000.00', { required: false }) @IsOptional() minimumAnnual?: string;
  @DecimalString('100000.00', { required: false }) @IsOptional() upfrontFee?: string;
  @PercentString('20', { required: false }) @IsOptional() sublicenseSharePercent?: string;
  @DecimalString('500000.00', { required: false }) @IsOptional() annualCap?: string;
  @DecimalString('2000000.00', { required: false }) @IsOptional() lifetimeCap?: string;

  @ApiProperty({ type: [MilestoneDto], required: false, maxItems: 50 })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => MilestoneDto)
  milestones?: MilestoneDto[];
}

export class GrantLicenseDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() @LowerCaseId() licenseeId!: string;

  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 100 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsUUID('all', { each: true }) @LowerCaseId()
  patentIds!: string[];

  @ApiProperty({ type: [String], example: ['CN'], minItems: 1, maxItems: 250 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(250)
  @Matches(/^[A-Z]{2}$/, { each: true, message: 'territories must be ISO 3166 alpha-2 codes such as "CN"' })
  territories!: string[];

  @RequiredText(200, 'surgical robotics') fieldOfUse!: string;
  @ApiProperty() @IsBoolean() exclusive!: boolean;
  @IsoDate('2025-01-01') effectiveOn!: string;
  @IsoDate('2034-12-31') expiresOn!: string;
  @CurrencyCode() currency!: string;

  @ApiProperty({ type: [ShareLineDto], required: false, minItems: 1, maxItems: 50 })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => ShareLineDto)
  revenueShares?: ShareLineDto[];

  @ApiProperty({ enum: ['half-up', 'half-even'], required: false })
  @IsOptional() @IsIn(['half-up', 'half-even'], { message: 'rounding must be "half-up" or "half-even"' })
  rounding?: 'half-up' | 'half-even';

  @ApiProperty({ type: RoyaltyTermsDto }) @IsDefined({ message: 'royalty is required' }) @IsObject({ message: 'royalty must be an object' }) @ValidateNested() @Type(() => RoyaltyTermsDto)
  royalty!: RoyaltyTermsDto;
}

export class PaymentDto {
  @DecimalString('36900.00') amount!: string;
  @CurrencyCode() currency!: string;
  @IsoDate('2025-05-15') receivedOn!: string;
  @RequiredText(200, 'WIRE-2025-0042') reference!: string;
}

export class TerminationDto {
  @IsoDate('2027-06-30') effectiveOn!: string;
  @RequiredText(1000, 'breach of reporting obligations') reason!: string;
}

/** A year's close takes no fields: any sent is refused (400 naming it), not ignored (a `shortfall` sent was). */
export class CloseYearDto {}

export class MilestoneAchievementDto {
  @IsoDate('2025-06-30') achievedOn!: string;
}
