/**
 * A domain rule refused a command. `kind` lets the HTTP layer choose the status without knowing rules:
 * 'rule' → 422, 'conflict' → 409 (e.g. a second report for a period), 'not-found' → 404.
 * `field` names the offending input when there is one, so clients can point at it; `problems` name
 * each of several found at once (a license's royalty terms), each by its own field.
 */
export type DomainErrorKind = 'rule' | 'conflict' | 'not-found';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rule',
    readonly field?: string,
    readonly problems?: readonly { field: string; message: string }[],
  ) {
    super(message);
  }
}

/** A required text, trimmed; blank (or not a string) is refused (422) naming the field. */
export function requireText(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') throw new DomainError('required', `${field} must not be blank`, 'rule', field);
  return text;
}
