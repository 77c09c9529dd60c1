import { patentIdOf } from './patent-commands';

/** ASCII as typed with a CJK input method: ＣＮ２０２４… */
const fullWidth = (ascii: string) => ascii.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('patentIdOf: one id per patent, so a second registration is refused', () => {
  const id = patentIdOf('CN', 'CN2024100001.X');

  it.each([
    ['spaces, case and punctuation', 'cn', ' cn 2024 100001-x '],
    ['the number without its office prefix', 'CN', '2024100001.X'],
    ['full-width characters (CJK input)', fullWidth('CN'), fullWidth('CN2024100001.X')],
  ])('is the same however the patent is spelt: %s', (_, jurisdiction, number) => {
    expect(patentIdOf(jurisdiction, number)).toBe(id);
  });

  it('differs for another patent or another office', () => {
    expect(patentIdOf('CN', 'CN2024100002.X')).not.toBe(id);
    expect(patentIdOf('US', 'CN2024100001.X')).not.toBe(id);
    expect(patentIdOf('EP', '2024100001.X')).not.toBe(patentIdOf('US', '2024100001.X'));
  });

  it('keeps a number that is only the office code whole, not empty', () => {
    expect(patentIdOf('CN', 'CN')).not.toBe(patentIdOf('CN', ''));
  });

  it('is a UUID', () => {
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
