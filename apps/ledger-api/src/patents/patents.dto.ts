import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID, ValidateNested } from 'class-validator';
import { CurrencyCode, DecimalString, IsoDate, PercentString, RequiredText } from '../http/wire-formats';
import { Amount, POSITION } from '../http/response-formats';
import { LowerCaseId } from '../http/ledger-id';

export class ShareLineDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() @LowerCaseId() partyId!: string;
  @PercentString() sharePercent!: string;
}

export class RegisterPatentDto {
  @RequiredText(300, 'Compliant gripper for surgical robots') title!: string;
  @RequiredText(64, 'CN202510001234.5') number!: string;
  @RequiredText(32, 'CN') jurisdiction!: string;
  @IsoDate('2024-03-01') filedOn!: string;
  @IsoDate('2044-03-01') expiresOn!: string;

  @ApiProperty({ type: [ShareLineDto], minItems: 1, maxItems: 50 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => ShareLineDto)
  owners!: ShareLineDto[];

  @ApiProperty({ type: [ShareLineDto], minItems: 1, maxItems: 50 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => ShareLineDto)
  inventors!: ShareLineDto[];
}

export class PatentCostDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() @LowerCaseId() partyId!: string;
  @DecimalString('12000.00') amount!: string;
  @CurrencyCode() currency!: string;
  @IsoDate('2025-02-01') incurredOn!: string;
  @RequiredText(500, 'filing fees') description!: string;
}

/** What the patent routes answer, for the OpenAPI document (amounts decimal strings, positions decimal strings). */
export class PatentRegisteredDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty(POSITION) position!: string;
}

export class PatentCostRecordedDto {
  @ApiProperty({ format: 'uuid' }) costId!: string;
  @ApiProperty(POSITION) position!: string;
}

export class PatentCostViewDto {
  @ApiProperty({ format: 'uuid' }) costId!: string;
  @ApiProperty({ format: 'uuid', description: 'the owner who bore it' }) partyId!: string;
  @Amount('12000.00', "at the currency's minor unit") amount!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ example: '2025-02-01' }) incurredOn!: string;
  @ApiProperty({ example: 'filing fees' }) description!: string;
}

/** GET /patents/{id}: the patent as registered and the costs recorded on it, in recording order. */
export class PatentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Compliant gripper for surgical robots' }) title!: string;
  @ApiProperty({ example: 'CN202510001234.5' }) number!: string;
  @ApiProperty({ example: 'CN' }) jurisdiction!: string;
  @ApiProperty({ example: '2024-03-01' }) filedOn!: string;
  @ApiProperty({ example: '2044-03-01' }) expiresOn!: string;
  @ApiProperty({ type: [ShareLineDto] }) owners!: ShareLineDto[];
  @ApiProperty({ type: [ShareLineDto] }) inventors!: ShareLineDto[];
  @ApiProperty({ type: [PatentCostViewDto] }) costs!: PatentCostViewDto[];
}
