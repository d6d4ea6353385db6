/**
 * The seed example (examples/go-hello): the multi-stage image holds the binary and busybox, not
 * the Go toolchain, runs, and is a small fraction of the single-stage image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import { runImage } from '../../../src/container/run.js';
import { repoRoot } from '../../helpers/paths.js';
import { storeWith } from './util.js';

test('go-hello: multi-stage image runs and is far smaller than the single-stage one', async () => {
  const { root, store } = await storeWith('busybox', 'golang');
  const ctx = join(repoRoot, 'examples/go-hello');
  const single = await build({ context: ctx, dockerfile: join(ctx, 'Dockerfile.single'), root, tags: ['go-hello:single'] });
  const multi = await build({ context: ctx, root, tags: ['go-hello:multi'] });

  let out = '';
  const code = await runImage(store, 'go-hello:multi', { stdout: (c) => { out += c.toString(); } });
  assert.equal(code, 0);
  assert.match(out, /^hello from drydock\nbuilt with go1\.\d+/);
  assert.match(out, /go toolchain in this image: false/);

  let outSingle = '';
  await runImage(store, 'go-hello:single', { args: ['hi'], stdout: (c) => { outSingle += c.toString(); } });
  assert.match(outSingle, /^hi\n[\s\S]*go toolchain in this image: true/);

  const s = single.report.image!.size;
  const m = multi.report.image!.size;
  assert.ok(m * 20 < s, `multi-stage ${m} B should be far below single-stage ${s} B`);
  assert.equal(multi.report.image!.layers, 2);
  assert.equal(multi.config.config?.User, 'nobody');
  assert.deepEqual(multi.config.config?.Entrypoint, ['/usr/local/bin/hello']);
  const builder = multi.report.stages.find((st) => st.name === 'builder')!;
  assert.equal(builder.inImage, false);
  assert.ok(multi.report.largestLeftBehind && multi.report.largestLeftBehind.reductionPercent > 95);
});
