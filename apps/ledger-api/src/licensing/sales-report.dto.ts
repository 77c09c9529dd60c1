import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, Matches, ValidateNested } from 'class-validator';
import { CurrencyCode, DecimalString, Period, RequiredText } from '../http/wire-formats';

export class SalesLineDto {
  @RequiredText(200, 'BP-Gripper') product!: string;
  @ApiProperty({ example: 'CN' }) @Matches(/^[A-Z]{2}$/, { message: 'territory must be an ISO 3166 alpha-2 code such as "CN"' })
  territory!: string;
  @DecimalString('1200') units!: string;
  @DecimalString('520000.00') grossSales!: string;
  @DecimalString('40000.00') deductions!: string;
  @CurrencyCode({ required: false }) @IsOptional() currency?: string;
  @DecimalString('7.1234', { required: false }) @IsOptional() fxRate?: string;
}

class ReportFiguresDto {
  @ApiProperty({ type: [SalesLineDto], minItems: 1, maxItems: 1000 })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => SalesLineDto)
  lines!: SalesLineDto[];

  @DecimalString('0.00', { required: false }) @IsOptional() sublicenseIncome?: string;

  @DecimalString('14400.00', { required: false, description: "the licensee's own royalty figure; differences are recorded" })
  @IsOptional()
  royaltyReported?: string;
}

export class SalesReportDto extends ReportFiguresDto {
  @Period() period!: string;
}

export class RestatementDto extends ReportFiguresDto {}
