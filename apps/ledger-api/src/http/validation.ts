import { ValidationError, ValidationPipe } from '@nestjs/common';
import { isIsoDate } from '@ledger/domain';

export interface FieldProblem {
  field: string;
  message: string;
}

export class RequestValidationFailed extends Error {
  override readonly name = 'RequestValidationFailed';
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

/** A query parameter that, when given, must be a real calendar date (2025-02-30 is not one). */
export function queryDate(field: string, value: string | undefined): string | undefined {
  if (value !== undefined && !isIsoDate(value)) throw new RequestValidationFailed([{ field, message: `${field} must be a real calendar date YYYY-MM-DD` }]);
  return value;
}

/** Flattens class-validator's tree into field paths a client can point at: lines[0].grossSales. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(error.property, field).replace(/^property /, ''),
    }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** Unknown fields are refused, not dropped: a misspelt field must not silently vanish. */
export const ledgerValidationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationFailed(fieldProblems(errors)),
  });
