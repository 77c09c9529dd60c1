import fc from 'fast-check';
import { EncodedField, encodedJson, encodedObject } from './encoded-fields';

const json = () => fc.oneof(fc.jsonValue(), fc.constant(undefined));
const field: fc.Arbitrary<Omit<EncodedField, 'name'>> = fc.oneof(
  json().map((v) => ({ value: () => v })),
  fc.array(json(), { maxLength: 6 }).map((list) => ({ list: () => list.values() })),
);
/** Distinct names, none that would set an object's prototype, nor an integer an object orders first. */
const name = fc.string().filter((n) => n !== '__proto__' && !/^(0|[1-9]\d*)$/.test(n));
const fields = fc.uniqueArray(fc.tuple(name, field), { selector: ([name]) => name, maxLength: 6 })
  .map((list) => list.map(([name, f]) => ({ name, ...f }) as EncodedField));

describe('encoded fields', () => {
  it('write in pieces exactly the JSON of the object they make, undefined left out as JSON.stringify leaves it', () => {
    fc.assert(fc.property(fields, (f) => {
      expect([...encodedJson(f)].join('')).toBe(JSON.stringify(encodedObject(f)));
    }), { numRuns: 500 });
  });

  it('evaluate fields in order, once: a later field sees what an earlier list produced', () => {
    const seen: string[] = [];
    const f = (): EncodedField[] => [
      { name: 'items', list: function* () { for (const x of ['a', 'b']) yield seen.push(x) && x; } },
      { name: 'seen', value: () => [...seen] },
    ];
    expect(encodedObject(f())).toEqual({ items: ['a', 'b'], seen: ['a', 'b'] });
    seen.length = 0;
    expect([...encodedJson(f())].join('')).toBe('{"items":["a","b"],"seen":["a","b"]}');
  });

  it('write an empty encoding, and one whose every field is undefined, as {}', () => {
    expect([...encodedJson([])].join('')).toBe('{}');
    expect([...encodedJson([{ name: 'a', value: () => undefined }])].join('')).toBe('{}');
  });
});
