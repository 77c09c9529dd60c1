import { createHash } from 'node:crypto';

const DIGEST_BYTES = 8;

/**
 * What each line of a file held when it was checked: 8 bytes of its SHA-256, so a million lines take
 * 8 MB. An import reads its file twice, checking it whole before the first append; the second reading
 * appends a line only if it is the line that was checked (a file written over in between had its new
 * lines appended unchecked, or stopped the import on a bare JSON error).
 */
export class CheckedLines {
  private digests = Buffer.alloc(DIGEST_BYTES * 1024);
  private count = 0;

  add(raw: string): void {
    if ((this.count + 1) * DIGEST_BYTES > this.digests.length) {
      const grown = Buffer.alloc(this.digests.length * 2);
      this.digests.copy(grown);
      this.digests = grown;
    }
    digestOf(raw).copy(this.digests, this.count * DIGEST_BYTES);
    this.count++;
  }

  get lines(): number {
    return this.count;
  }

  /** Whether line `lineNo` (from 1) reads as it did when checked. */
  unchanged(lineNo: number, raw: string): boolean {
    if (lineNo < 1 || lineNo > this.count) return false;
    const at = (lineNo - 1) * DIGEST_BYTES;
    return digestOf(raw).equals(this.digests.subarray(at, at + DIGEST_BYTES));
  }
}

const digestOf = (raw: string) => createHash('sha256').update(raw).digest().subarray(0, DIGEST_BYTES);
