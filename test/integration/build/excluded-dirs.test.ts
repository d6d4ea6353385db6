import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../../../src/store/index.js';
import { runDrydock } from '../../helpers/cli.js';
import { contextDir, imageFiles, storeWith } from './util.js';

let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });

/**
 * A directory .dockerignore excludes, and no "!" exception can reach into, is never walked
 * (BuildKit's fsutil skips it: filter.go, onlyPrefixExcludeExceptions). This node_modules holds
 * a path longer than PATH_MAX: any lstat or readdir below its first levels fails (ENAMETOOLONG),
 * even for root, so a build that walked it could not succeed.
 */
test('an excluded node_modules that cannot be walked costs nothing, with exceptions elsewhere', async () => {
  const ctx = await contextDir({
    Dockerfile: 'FROM busybox:latest\nCOPY . /app/\n',
    '.dockerignore': 'node_modules\n*.log\n!keep.log\n',
    'src/main.js': 'main',
    'keep.log': 'kept',
    'drop.log': 'dropped',
  });
  try {
    const deep = Array.from({ length: 25 }, () => 'x'.repeat(200)).join('/');
    execFileSync('mkdir', ['-p', join(ctx, 'node_modules')]);
    execFileSync('mkdir', ['-p', deep], { cwd: join(ctx, 'node_modules') });
    for (const run of ['first build', 'no-op rebuild']) {
      const r = await runDrydock(['build', '-t', 'excluded:1', ctx], { root });
      assert.equal(r.code, 0, `${run}: ${r.stderr}`);
    }
    const img = await imageFiles(store, 'excluded:1');
    try {
      assert.deepEqual(readdirSync(join(img.dir, 'app')).sort(), ['.dockerignore', 'Dockerfile', 'keep.log', 'src']);
      assert.ok(!existsSync(join(img.dir, 'app', 'node_modules')));
    } finally {
      await img.cleanup();
    }
  } finally {
    execFileSync('rm', ['-rf', ctx]); // Node's rm cannot reach below PATH_MAX
  }
});
