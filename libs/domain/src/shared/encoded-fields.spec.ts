import fc from 'fast-check';
import { EncodedField, encodedLines, encodedObject, finished, readEncodedLines } from './encoded-fields';

// Any code point in strings, lone surrogates too: JSON.stringify must escape every one a raw newline or separator could come from.
const json = () => fc.oneof(fc.jsonValue({ stringUnit: 'binary' }), fc.constant(undefined));
const field: fc.Arbitrary<Omit<EncodedField, 'name'>> = fc.oneof(
  json().map((v) => ({ value: () => v })),
  fc.array(json(), { maxLength: 6 }).map((list) => ({ list: () => list.values() })),
);
/** Distinct names, none that would set an object's prototype, nor an integer an object orders first. */
const name = fc.string({ unit: 'binary' }).filter((n) => n !== '__proto__' && !/^(0|[1-9]\d*)$/.test(n));
const fields = fc.uniqueArray(fc.tuple(name, field), { selector: ([name]) => name, maxLength: 6 })
  .map((list) => list.map(([name, f]) => ({ name, ...f }) as EncodedField));

const read = (lines: Iterable<string>) => finished(readEncodedLines(lines));

describe('encoded fields', () => {
  it('read back from their lines exactly what JSON makes of the object they make, undefined as JSON leaves it', () => {
    fc.assert(fc.property(fields, (f) => {
      const lines = [...encodedLines(f)];
      for (const line of lines) expect(line).not.toContain('\n');
      const back = read(lines);
      const viaJson = JSON.parse(JSON.stringify(encodedObject(f)));
      expect(back).toEqual(viaJson);
      expect(JSON.stringify(back)).toBe(JSON.stringify(viaJson)); // same keys in the same order
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
    expect([...encodedLines(f())]).toEqual(['["[","items"]', '["+","a"]', '["+","b"]', '["=","seen",["a","b"]]']);
  });

  it('read a line per step, so a reader can give way between lines', () => {
    const steps = readEncodedLines(encodedLines([{ name: 'list', list: () => [1, 2, 3] }]));
    let taken = 0;
    while (!steps.next().done) taken++;
    expect(taken).toBe(4);
  });

  it('keep a field named __proto__ as JSON.parse keeps it: an own key, not a prototype', () => {
    const back = read(encodedLines([{ name: '__proto__', value: () => ({ polluted: true }) }]));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__']);
  });

  it('refuse lines they did not write', () => {
    for (const bad of ['{}', '["+",1]', '["?","a",1]', '["=",1,2]', '["[","a","b"]', 'not json']) expect(() => read([bad])).toThrow();
    expect(() => read(['["=","a",1]', '["+",2]'])).toThrow('not a line of an encoding');
  });
});
