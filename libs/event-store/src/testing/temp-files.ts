import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory for each test of the enclosing describe, removed after it. */
export function useTempDir(prefix: string): () => string {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), prefix)); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** Polls until `ok()` holds or `ms` pass; the caller asserts afterwards. */
export async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
