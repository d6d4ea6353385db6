/**
 * A build whose base is pulled (from a real local registry) reports the pull with byte counts:
 * what the tty view's bars and `--progress=rawjson` readers rely on.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildEvents, type BuildEvent } from '../../../src/index.js';
import { openStore } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { seedRegistry } from '../../helpers/fixtures.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { contextDir } from '../build/util.js';

let registry: RegistryFixture;
before(async () => {
  registry = await startRegistry();
  await seedRegistry(registry, ['busybox']);
});
after(async () => {
  await registry.stop();
  await removeTmpStoreRoots();
});

type PullEvent = Extract<BuildEvent, { type: 'pull' }>;

test('pull events carry per-blob bytes, and the total fetched when done', async () => {
  const root = await tmpStoreRoot({ mirror: registry });
  const context = await contextDir({ Dockerfile: 'FROM busybox\nRUN true\n' });
  const events: BuildEvent[] = [];
  const run = buildEvents({ context, root });
  for await (const e of run) events.push(e);
  await run.result;

  const pulls = events.filter((e): e is PullEvent => e.type === 'pull');
  assert.equal(pulls[0].status, 'start');
  assert.equal(pulls[pulls.length - 1].status, 'done');
  assert.ok(pulls.every((p) => p.ref === 'busybox'));

  // Every blob of the image (layers and config) went by, ending at its full size.
  const store = await openStore(root);
  const img = await resolveImage(store, (await store.images.get('busybox'))!.target);
  const blobs = [...img.manifest.layers, img.manifest.config];
  const last = new Map<string, PullEvent>();
  for (const p of pulls.filter((x) => x.status === 'progress')) {
    assert.ok(p.layer && p.total !== undefined && p.current !== undefined && p.current <= p.total, JSON.stringify(p));
    last.set(p.layer, p);
  }
  assert.deepEqual([...last.keys()].sort(), blobs.map((b) => b.digest).sort());
  for (const b of blobs) assert.equal(last.get(b.digest)!.current, b.size);
  assert.equal(pulls[pulls.length - 1].bytes, blobs.reduce((n, b) => n + b.size, 0));

  const resolved = events.find((e) => e.type === 'base-resolved');
  assert.equal(resolved?.type === 'base-resolved' && resolved.source, 'pulled');
});
