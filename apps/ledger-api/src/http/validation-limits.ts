import { OpenAPIObject } from '@nestjs/swagger';
import { TransformationType } from 'class-transformer';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage } from 'class-validator';

/** What class-validator records of a decorator (its ValidationMetadata, which its index does not export). */
type Rule = { type: string; name?: string; propertyName: string; constraints?: unknown[]; each?: boolean };

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; [keyword: string]: unknown };

// The storage @Transform writes to: the package's index exports no reader of it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };

/** class-validator's constraint names, as the OpenAPI keywords that say the same of a value. */
const KEYWORDS: Record<string, (constraints: unknown[]) => Record<string, unknown> | undefined> = {
  maxLength: ([n]) => ({ maxLength: n }),
  minLength: ([n]) => ({ minLength: n }),
  // A pattern with flags (`/x/i`) says something OpenAPI's pattern cannot: left to the description.
  matches: ([pattern]) => (pattern instanceof RegExp && pattern.flags === '' ? { pattern: pattern.source } : undefined),
  arrayMaxSize: ([n]) => ({ maxItems: n }),
  arrayMinSize: ([n]) => ({ minItems: n }),
  isIn: ([values]) => (Array.isArray(values) ? { enum: values } : undefined),
};

/**
 * The limits the validation pipe enforces, written into the request schemas of the OpenAPI document:
 * it said `{"type":"string"}` of a party's name that is refused past 200 characters, so a client
 * generated from it sent bodies that came back 400. Read from class-validator's own record of the
 * DTOs' decorators, so the document cannot say other than the pipe does; what a schema says already
 * (an example's pattern, an enum) is kept.
 */
export function documentValidationLimits(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const storage = getMetadataStorage();
  // The storage keeps every decorated class in this map; it has no public way to list them.
  const decorated = (storage as unknown as { validationMetadatas?: Map<Function, Rule[]> }).validationMetadatas;
  if (!(decorated instanceof Map)) throw new Error('class-validator no longer keeps validationMetadatas: documentValidationLimits needs another source');
  const named = new Map<string, Function>();
  for (const dto of decorated.keys()) {
    if (named.has(dto.name) && named.get(dto.name) !== dto) throw new Error(`two validated classes are named ${dto.name}: the document's schemas would mix their rules`);
    named.set(dto.name, dto);
  }
  for (const [name, dto] of named) {
    const schema = schemas[name];
    if (!schema?.properties) continue;
    // With the rules it inherits (a report's and a restatement's figures).
    for (const rule of storage.getTargetValidationMetadatas(dto, '', true, false) as Rule[]) {
      const keywords = KEYWORDS[rule.name ?? rule.type]?.(rule.constraints ?? []);
      const property = schema.properties[rule.propertyName];
      if (!keywords || !property || (SHAPE_RULES.has(rule.name ?? '') && transformed(dto, rule.propertyName))) continue;
      const target = rule.each && property.items ? property.items : property;
      for (const [keyword, value] of Object.entries(keywords)) if (target[keyword] === undefined) target[keyword] = value;
    }
  }
  return document;
}

/** Rules on a value's spelling, which a transform before the check (an id lower-cased) makes other than the value sent. */
const SHAPE_RULES = new Set(['matches', 'isIn']);

/** A pattern for the value an id becomes documented one that refused what the API takes (a beneficiary's id in upper case). */
const transformed = (dto: Function, property: string) =>
  defaultMetadataStorage.findTransformMetadatas(dto, property, TransformationType.PLAIN_TO_CLASS).length > 0;
