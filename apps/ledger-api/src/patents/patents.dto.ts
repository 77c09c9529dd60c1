import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID, MinLength, ValidateNested } from 'class-validator';
import { CurrencyCode, DecimalString, IsoDate, PercentString, Text } from '../http/wire-formats';

export class ShareLineDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() partyId!: string;
  @PercentString() sharePercent!: string;
}

export class RegisterPatentDto {
  @Text(300, 'Compliant gripper for surgical robots') @MinLength(1) title!: string;
  @Text(64, 'CN202510001234.5') @MinLength(1) number!: string;
  @Text(32, 'CN') @MinLength(1) jurisdiction!: string;
  @IsoDate('2024-03-01') filedOn!: string;
  @IsoDate('2044-03-01') expiresOn!: string;

  @ApiProperty({ type: [ShareLineDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => ShareLineDto)
  owners!: ShareLineDto[];

  @ApiProperty({ type: [ShareLineDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => ShareLineDto)
  inventors!: ShareLineDto[];
}

export class PatentCostDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() partyId!: string;
  @DecimalString('12000.00') amount!: string;
  @CurrencyCode() currency!: string;
  @IsoDate('2025-02-01') incurredOn!: string;
  @Text(500, 'filing fees') description!: string;
}
