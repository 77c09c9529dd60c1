import { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

/** What class-validator records of a decorator (its ValidationMetadata, which its index does not export). */
type Rule = { type: string; name?: string; propertyName: string; constraints?: unknown[]; each?: boolean };

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; [keyword: string]: unknown };

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
  // The storage keeps every decorated class in this map; it has no public way to list them.
  const byClass = (getMetadataStorage() as unknown as { validationMetadatas?: Map<Function, Rule[]> }).validationMetadatas;
  if (!(byClass instanceof Map)) throw new Error('class-validator no longer keeps validationMetadatas: documentValidationLimits needs another source');
  for (const [dto, rules] of byClass) {
    const schema = schemas[dto.name];
    if (!schema?.properties) continue;
    for (const rule of rules) {
      const keywords = KEYWORDS[rule.name ?? rule.type]?.(rule.constraints ?? []);
      const property = schema.properties[rule.propertyName];
      if (!keywords || !property) continue;
      const target = rule.each && property.items ? property.items : property;
      for (const [keyword, value] of Object.entries(keywords)) if (target[keyword] === undefined) target[keyword] = value;
    }
  }
  return document;
}
