import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { OpenAPIObject } from '@nestjs/swagger';
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

/**
 * Flattens class-validator's tree into field paths a client can point at: lines[0].grossSales. The same
 * problem once: a missing wire format fails both its type and its pattern, with one message.
 */
export function fieldProblems(errors: ValidationError[]): FieldProblem[] {
  const seen = new Set<string>();
  return problemsOf(errors, '').filter((p) => !seen.has(`${p.field}\u0000${p.message}`) && seen.add(`${p.field}\u0000${p.message}`));
}

/**
 * Type checks: when one fails, it is the problem; the field's sizes, lengths and nested checks do not
 * apply to a value of another type (lines: "x" was told to hold 1 to 1000 elements and objects besides),
 * nor do its children's (lines: {…} was also told its lines.territory was missing).
 */
const TYPE_CHECKS = new Set(['isArray', 'isObject', 'isString', 'isBoolean']);

function problemsOf(errors: ValidationError[], parent: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    const constraints = Object.entries(error.constraints ?? {});
    // A missing field is missing, not of another type.
    const missing = constraints.filter(([name]) => name === 'isDefined');
    const typeFailed = missing.length > 0 ? missing : constraints.filter(([name]) => TYPE_CHECKS.has(name));
    const own = (typeFailed.length > 0 ? typeFailed : constraints).map(([, message]) => ({
      field,
      message: message.replace(error.property, field).replace(/^property /, ''),
    }));
    return typeFailed.length > 0 ? own : [...own, ...problemsOf(error.children ?? [], field)];
  });
}

/** Half of a UTF-16 surrogate pair without its other half: no UTF-8 text can hold it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Where a request's strings hold what a read model cannot store as sent: a NUL character (PostgreSQL
 * text cannot hold one) or a lone surrogate (`"\ud800"` in JSON: the event kept it, the read models and
 * the API answered U+FFFD instead, so a statement no longer showed what was recorded).
 */
function unstorable(value: unknown, field: string): FieldProblem[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return [{ field, message: `${field} must not contain a NUL character` }];
    return LONE_SURROGATE.test(value) ? [{ field, message: `${field} must be valid Unicode text (it holds half of a surrogate pair)` }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unstorable(v, `${field}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => unstorable(v, field ? `${field}.${k}` : k));
  return [];
}

/**
 * A body's fields set to null, left out: clients commonly send null for an optional field they do not
 * use, and `@IsOptional()` lets null through to code that tells a field left out by `undefined`
 * (`antiDilution: null` once made a deal whose rounds answered 500). A required field sent as null is
 * then refused as missing, by name; an unknown one sent as null is dropped like any null. Nulls inside
 * arrays stay, for their validators to refuse. Idempotency keys hash the body the same way.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

/**
 * Unknown fields are refused, not dropped: a misspelt field must not silently vanish. A NUL character
 * in any string is refused too: the event store would keep it (JSON escapes it), but no PostgreSQL read
 * model could take the event in, and every projection waits on the page that holds it; and so is a lone
 * surrogate (unstorable).
 */
class LedgerValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    const problems = metadata.type === 'custom' ? [] : unstorable(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
    if (problems.length) throw new RequestValidationFailed(problems);
    return super.transform(metadata.type === 'body' ? withoutNulls(value) : value, metadata);
  }
}

export const ledgerValidationPipe = () =>
  new LedgerValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationFailed(fieldProblems(errors)),
  });

type SchemaNode = { $ref?: string; properties?: Record<string, SchemaNode>; items?: SchemaNode; allOf?: SchemaNode[]; additionalProperties?: boolean };

/**
 * The document says what the pipe does (forbidNonWhitelisted): every object a request body holds takes
 * no field it does not list, so a client validating against the document refuses what the API would.
 */
export function documentUnknownFieldsRefused(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaNode>;
  const seen = new Set<SchemaNode>();
  const visit = (node: SchemaNode | undefined): void => {
    if (!node || seen.has(node)) return;
    seen.add(node);
    if (node.$ref) return visit(schemas[node.$ref.split('/').pop()!]);
    if (node.properties) {
      node.additionalProperties = false;
      Object.values(node.properties).forEach(visit);
    }
    visit(node.items);
    node.allOf?.forEach(visit);
  };
  for (const path of Object.values(document.paths)) {
    for (const operation of [path.post, path.put, path.patch]) {
      const body = operation?.requestBody as { content?: Record<string, { schema?: SchemaNode }> } | undefined;
      for (const media of Object.values(body?.content ?? {})) visit(media.schema);
    }
  }
  return document;
}
