import { NotFoundException, PipeTransform } from '@nestjs/common';
import { Transform } from 'class-transformer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The ledger writes its ids in lower case; a UUID is the same id in either case (RFC 9562), and the
 * validators take both. Read as written: an upper-case id was taken and then not found (a partner's
 * own statement 404, a key left active by DELETE /api-keys/{ID}).
 */
export function ledgerId(text: string): string | undefined {
  return UUID.test(text) ? text.toLowerCase() : undefined;
}

/** A path's id: lower case, or 404 naming what was asked for (a malformed id names nothing the ledger holds). */
export const ledgerIdParam = (what: string): PipeTransform<string, string> => ({
  transform(value: string) {
    const id = ledgerId(value);
    if (id === undefined) throw new NotFoundException(`no such ${what}`);
    return id;
  },
});

const lowerCased = (value: unknown) => (typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : value);
/** A body's id (or list of ids), with @IsUUID: lower case before it is checked, so it is found as written. */
export const LowerCaseId = () => Transform(({ value }) => (Array.isArray(value) ? value.map(lowerCased) : lowerCased(value)));
