/** Where things are, in dev (tsx on test/*.ts) and in the compiled suite (dist/test/*.js). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** True when running the TypeScript sources through tsx. */
export const runningFromSource = fileURLToPath(import.meta.url).endsWith('.ts');

/** The repository root (holds package.json), whether we run from test/ or dist/test/. */
export const repoRoot: string = (() => {
  let dir = here;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the drydock repository above ${here}`);
})();

/** Shared cache of fixture images: $DRYDOCK_TEST_CACHE, default /var/cache/drydock-test. */
export function testCacheDir(): string {
  return process.env.DRYDOCK_TEST_CACHE || '/var/cache/drydock-test';
}
