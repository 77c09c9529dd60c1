import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { PERIOD, isIsoDate } from '@ledger/domain';

/**
 * The wire formats of the API contract as class-validator decorators: amounts and percents are
 * decimal strings (never JSON numbers), dates YYYY-MM-DD, periods 2026-Q1 or 2026-03.
 */
const DECIMAL = /^(0|[1-9]\d{0,19})(\.\d{1,20})?$/;
const PERCENT = /^(100(\.0+)?|[1-9]?\d(\.\d{1,10})?)$/;
const DATE = /^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const wire = (pattern: RegExp, describe: string, example: string, opts: ApiPropertyOptions = {}) =>
  applyDecorators(
    // The pattern too, not only its words: a client validating against the document refuses what the API would.
    ApiProperty({ type: String, example, description: describe, pattern: pattern.source, ...opts } as ApiPropertyOptions),
    IsString({ message: `$property must be ${describe}` }),
    Matches(pattern, { message: `$property must be ${describe}` }),
  );

export const DecimalString = (example = '1234.56', opts?: ApiPropertyOptions) =>
  wire(DECIMAL, 'a non-negative decimal string such as "1234.56", with at most 20 digits before the point and 20 after it', example, opts);
export const PercentString = (example = '60', opts?: ApiPropertyOptions) =>
  wire(PERCENT, 'a percent string from "0" to "100", such as "33.34"', example, opts);
/** A real calendar date: 2025-02-30 is refused here, as a format error, not later by a domain rule. */
export const IsoDate = (example = '2025-01-01', opts: ApiPropertyOptions = {}) => {
  const describe = 'a real calendar date YYYY-MM-DD in years 1000 to 9999';
  return applyDecorators(
    ApiProperty({ type: String, example, description: describe, pattern: DATE.source, ...opts } as ApiPropertyOptions),
    ValidateBy({ name: 'isCalendarDate', validator: { validate: (v) => isIsoDate(v), defaultMessage: () => `$property must be ${describe}` } }),
  );
};
export const Period = () => wire(PERIOD, 'a period such as "2026-Q1" or "2026-03", in years 1000 to 9999', '2025-Q1');
export const CurrencyCode = (opts?: ApiPropertyOptions) => wire(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as "CNY"', 'CNY', opts);

/**
 * A text that must say something: empty and whitespace-only are the same mistake, refused here (400)
 * naming the field, not one as a format error and the other later by a domain rule (422).
 */
export const RequiredText = (max = 200, example?: string) =>
  applyDecorators(ApiProperty({ example, minLength: 1 }), IsString(), MaxLength(max), Matches(/\S/, { message: '$property must not be blank' }));

export const OptionalText = (max = 500) =>
  applyDecorators(ApiProperty({ required: false }), IsOptional(), IsString(), MaxLength(max));
