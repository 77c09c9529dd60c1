import { ApiProperty, OpenAPIObject } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, Matches, ValidateNested } from 'class-validator';
import { CurrencyCode, DecimalString, IsoDate, PercentString, RequiredText } from '../http/wire-formats';
import { LowerCaseId } from '../http/ledger-id';

const BENEFICIARY = /^(inventors|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/; // ids are lower case, as the ledger writes them

export class PolicyShareDto {
  @ApiProperty({ description: '"inventors" (the patent\'s inventors by inventor share) or a party id', example: 'inventors' })
  @LowerCaseId() @Matches(BENEFICIARY, { message: 'beneficiary must be "inventors" or a party id' })
  beneficiary!: string;
  @PercentString('50') sharePercent!: string;
}

export class PolicyBandDto {
  @DecimalString('200000.00', { required: false, description: 'cumulative distributable income per license up to which this band applies' })
  @IsOptional()
  upTo?: string;

  @ApiProperty({ type: [PolicyShareDto], maxItems: 50 })
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => PolicyShareDto)
  shares!: PolicyShareDto[];
}

export class DistributionPolicyDto {
  @PercentString('10') adminFeePercent!: string;
  @ApiProperty() @IsBoolean() recoverPatentCosts!: boolean;

  @ApiProperty({ type: [PolicyShareDto], required: false, description: 'one table for all income (or use bands)', maxItems: 50 })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => PolicyShareDto)
  shares?: PolicyShareDto[];

  @ApiProperty({ type: [PolicyBandDto], required: false, description: 'tables by band of cumulative income per license', minItems: 1, maxItems: 20 })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => PolicyBandDto)
  bands?: PolicyBandDto[];
}

/**
 * The document says what the controller checks: a policy has exactly one of shares and bands. Decorators
 * describe properties only, so the choice is added to the schema here.
 */
export function documentPolicyTableChoice(document: OpenAPIObject): OpenAPIObject {
  const schema = document.components?.schemas?.[DistributionPolicyDto.name] as { oneOf?: object[] } | undefined;
  if (schema) schema.oneOf = [{ required: ['shares'] }, { required: ['bands'] }];
  return document;
}

export class PayoutDto {
  @DecimalString('5000.00') amount!: string;
  @CurrencyCode() currency!: string;
  @IsoDate('2026-01-15') paidOn!: string;
  @RequiredText(200, 'PAYROLL-2026-01') reference!: string;
}
