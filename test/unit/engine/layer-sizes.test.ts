import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LayerSizes } from '../../../src/solver/layer-size.js';

test('a layer size written side by side (the platforms of one build) is written once, with no temp file left', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sizes-'));
  try {
    const d = `sha256:${'ab'.repeat(32)}` as const;
    const a = new LayerSizes(root);
    const b = new LayerSizes(root);
    // Two instances in one process used one temp name: the second rename found it gone (ENOENT).
    await Promise.all([a.set(d, 42), b.set(d, 42), a.set(d, 42), b.set(d, 42)]);
    assert.deepEqual(readdirSync(join(root, 'cache', 'sizes')), ['ab'.repeat(32)]);
    assert.equal(await new LayerSizes(root).get(d), 42);
  } finally { rmSync(root, { recursive: true, force: true }); }
});
