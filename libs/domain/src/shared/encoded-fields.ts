/**
 * A state's encoding as named fields in order, long lists given an element at a time. The same fields
 * make the plain object (`encodedObject`) and its lines (`encodedLines`): a university's 250,000
 * allocations encode to ~70 MB, which one `JSON.stringify` writes, and one `JSON.parse` reads back,
 * while nothing else runs (~3 s each); a line at a time, writer and reader can give way between lines.
 * Fields are evaluated in order, once: a later one may depend on what an earlier list produced. Names
 * are distinct words (an integer name would be ordered first in the object, not in the lines).
 */
export type EncodedField = { name: string; value: () => unknown } | { name: string; list: () => Iterable<unknown> };

export function encodedObject(fields: readonly EncodedField[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const field of fields) object[field.name] = 'list' in field ? [...field.list()] : field.value();
  return object;
}

/**
 * The encoding as lines, each one JSON text with no newline in it: `["=",name,value]` for a field,
 * `["[",name]` opening a list and `["+",element]` for each of its elements. `readEncodedLines` makes
 * of them exactly what `JSON.parse(JSON.stringify(encodedObject(fields)))` makes.
 */
export function* encodedLines(fields: readonly EncodedField[]): Generator<string> {
  for (const field of fields) {
    if ('list' in field) {
      yield JSON.stringify(['[', field.name]);
      for (const element of field.list()) yield JSON.stringify(['+', element]); // undefined becomes null, as in a JSON list
    } else {
      const value = field.value();
      if (JSON.stringify(value) !== undefined) yield JSON.stringify(['=', field.name, value]); // left out, as JSON.stringify leaves it
    }
  }
}

/** The object `encodedLines` wrote, a line per step (a caller may give way between steps); throws on a line it did not write. */
export function* readEncodedLines(lines: Iterable<string>): Generator<void, Record<string, unknown>> {
  const object: Record<string, unknown> = {};
  let list: unknown[] | undefined;
  for (const line of lines) {
    const [kind, ...rest] = parseLine(line);
    if (kind === '+' && list && rest.length === 1) list.push(rest[0]);
    else if (kind === '[' && typeof rest[0] === 'string' && rest.length === 1) own(object, rest[0], (list = []));
    else if (kind === '=' && typeof rest[0] === 'string' && rest.length === 2) own(object, rest[0], rest[1]), (list = undefined);
    else throw new Error('not a line of an encoding');
    yield;
  }
  return object;
}

/** The value steps end with, taken all at once (a decoder that can give way, used where none is needed). */
export function finished<T>(steps: Iterator<unknown, T>): T {
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

function parseLine(line: string): unknown[] {
  const parsed: unknown = JSON.parse(line);
  if (!Array.isArray(parsed)) throw new Error('not a line of an encoding');
  return parsed;
}

/** As JSON.parse sets a key: an own property, even one named __proto__. */
const own = (object: Record<string, unknown>, name: string, value: unknown) =>
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
