/**
 * fsck beyond blobs and references (src/store/fsck-state.ts): after a real build, each kind of
 * inconsistency a killed process can leave is planted in the store; `drydock fsck` names every
 * one (and fails for those that matter), `fsck --repair` removes each and says so, fsck is then
 * clean, and the same build still runs (reusing its cache).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runDrydock } from '../../helpers/cli.js';
import { storeWith, contextDir } from '../build/util.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';

after(() => removeTmpStoreRoots());
import { SNAPSHOT_LAYER } from '../../../src/graph/types.js';

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync('true');
  return r.pid!;
}

const hex = (c: string) => c.repeat(64);

async function mountedUnder(dir: string): Promise<boolean> {
  return (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').some((l) => l.split(' ')[4] === dir);
}

test('fsck finds and repairs broken snapshots, step records, leases, locks and build records', async () => {
  const { root } = await storeWith('busybox');
  const ctx = await contextDir({ Dockerfile: 'FROM busybox AS b\nRUN echo one > /one\nFROM busybox\nCOPY --from=b /one /one\nRUN cat /one\n' });
  const first = await runDrydock(['build', '-t', 'fsck-state:1', ctx], { root });
  assert.equal(first.code, 0, first.stderr);
  const clean = await runDrydock(['fsck'], { root });
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /^checked \d+ blobs: ok\n$/);

  const dead = deadPid();
  const snaps = join(root, 'snapshots');
  const steps = join(root, 'cache', 'steps');
  // Snapshots: two orphaned active dirs (one still mounted), a half-committed layer, an incomplete layer, a dangling short link.
  const orphan = join(snaps, 'active', 'deadbeef00000001');
  const mountedOrphan = join(snaps, 'active', 'deadbeef00000002');
  for (const d of [orphan, mountedOrphan]) {
    await mkdir(join(d, 'merged'), { recursive: true });
    await writeFile(join(d, 'owner.json'), JSON.stringify({ pid: dead, layers: [] }));
  }
  execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', join(mountedOrphan, 'merged')]);
  await mkdir(join(snaps, 'tmp', `${dead}-abcdef`, 'fs'), { recursive: true });
  // A dead process's probe left mounted, a stray mount, and a live process's mount (not a finding).
  const deadProbe = join(snaps, 'tmp', `${dead}-0123ab`, 'merged');
  const stray = join(root, 'stray');
  const liveProbe = join(snaps, 'tmp', `${process.pid}-4567cd`, 'merged');
  for (const m of [deadProbe, stray, liveProbe]) {
    await mkdir(m, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', m]);
  }
  await mkdir(join(snaps, 'layers', hex('e')), { recursive: true });
  execFileSync('ln', ['-s', `../layers/${hex('d')}/fs`, join(snaps, 'l', '0123456789abcdef')]);
  // Step records: one naming a missing blob, one a missing snapshot layer, one unreadable, one half-written.
  const missingBlob = { key: `sha256:${hex('a')}`, created: 'x', createdBy: 'RUN x', layer: { descriptor: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${hex('1')}`, size: 1 }, diffID: `sha256:${hex('2')}` } };
  const missingSnap = { key: `sha256:${hex('b')}`, created: 'x', createdBy: 'RUN y', layer: { descriptor: { mediaType: SNAPSHOT_LAYER, digest: `sha256:${hex('3')}`, size: 0 }, diffID: `sha256:${hex('3')}` } };
  await writeFile(join(steps, `${hex('a')}.json`), JSON.stringify(missingBlob));
  await writeFile(join(steps, `${hex('b')}.json`), JSON.stringify(missingSnap));
  await writeFile(join(steps, `${hex('c')}.json`), '{"key":');
  await writeFile(join(steps, `${hex('c')}.json.${dead}.0badf00d.tmp`), '{');
  // Locks of a dead process: a step's once() lock and a lock's staging file.
  await writeFile(join(steps, `${hex('9')}.lock`), `${dead} 0011223344556677\n`);
  await writeFile(join(steps, `${hex('9')}.lock.${dead}.0011223344556677`), `${dead} 0011223344556677\n`);
  // Leases: a dead process's, an unreadable one, and a step lease whose record is gone (old enough to be an orphan).
  await writeFile(join(root, 'leases', `.proc-${dead}-0a0b0c0d.list`), `sha256:${hex('1')}\n`);
  await writeFile(join(root, 'leases', 'broken.json'), 'nope');
  const orphanLease = join(root, 'leases', `cache-${'8'.repeat(32)}.json`);
  await writeFile(orphanLease, JSON.stringify({ digests: [] }));
  const old = new Date(Date.now() - 3600_000);
  await utimes(orphanLease, old, old);
  // Build records: one of an image that is gone, one unreadable.
  await writeFile(join(root, 'reports', `${hex('7')}.json`), JSON.stringify({ imageId: `sha256:${hex('7')}`, stages: [] }));
  await writeFile(join(root, 'reports', `${hex('6')}.json`), '[');

  const expected = [
    /orphaned snapshot .*deadbeef00000001 of dead process/,
    /orphaned snapshot .*deadbeef00000002 of dead process \d+, still mounted/,
    /half-committed layer .*-abcdef of dead process \d+/,
    /half-committed layer .*-0123ab of dead process \d+, still mounted/,
    /mount .*\/stray left by a dead process/,
    new RegExp(`incomplete layer .*${hex('e')}`),
    /short link .*0123456789abcdef to a missing layer/,
    new RegExp(`step record .*${hex('a')}.json names missing layer blob sha256:${hex('1')}`),
    new RegExp(`step record .*${hex('b')}.json names missing snapshot layer sha256:${hex('3')}`),
    new RegExp(`unreadable step record .*${hex('c')}.json`),
    /half-written step record .*\.tmp of dead process/,
    new RegExp(`lock .*${hex('9')}.lock held by dead process ${dead}`),
    /lock staging file .* of dead process/,
    /lease .*\.proc-\d+-0a0b0c0d\.list of dead process/,
    /unreadable lease .*broken\.json/,
    /lease .*cache-8{32}\.json of a missing step record/,
    new RegExp(`build record .*${hex('7')}.json of missing image`),
    new RegExp(`unreadable build record .*${hex('6')}.json`),
  ];
  const found = await runDrydock(['fsck'], { root });
  assert.equal(found.code, 1, found.stdout + found.stderr);
  for (const re of expected) assert.match(found.stdout, new RegExp(`${re.source}[^\\n]* \\(found\\)`), found.stdout);
  assert.equal(await mountedUnder(join(mountedOrphan, 'merged')), true, 'a plain fsck changes nothing');

  const repaired = await runDrydock(['fsck', '--repair'], { root });
  assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
  for (const re of expected) assert.match(repaired.stdout, new RegExp(`${re.source}[^\\n]* \\(removed\\)`), repaired.stdout);
  for (const m of [join(mountedOrphan, 'merged'), deadProbe, stray]) assert.equal(await mountedUnder(m), false, `${m} is unmounted`);
  assert.doesNotMatch(repaired.stdout, /4567cd/, 'a live process\'s mount is not touched');
  assert.equal(await mountedUnder(liveProbe), true);
  execFileSync('umount', [liveProbe]);
  await rm(join(snaps, 'tmp', `${process.pid}-4567cd`), { recursive: true });
  assert.deepEqual(await readdir(join(snaps, 'active')), []);

  const after = await runDrydock(['fsck'], { root });
  assert.equal(after.code, 0, after.stdout + after.stderr);
  assert.match(after.stdout, /^checked \d+ blobs: ok\n$/);
  const again = await runDrydock(['build', '--progress=plain', '-t', 'fsck-state:1', ctx], { root });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /#\d+ CACHED/);
});

test('prune removes the build record of an image it removes, so fsck stays silent', async () => {
  const { root } = await storeWith('busybox');
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo gone > /gone\n' });
  const built = await runDrydock(['build', '-q', '-t', 'gone:1', ctx], { root });
  assert.equal(built.code, 0, built.stderr);
  const id = built.stdout.trim().replace(/^sha256:/, '');
  await readFile(join(root, 'reports', `${id}.json`), 'utf8');
  assert.equal((await runDrydock(['rm', 'gone:1'], { root })).code, 0);
  const pruned = await runDrydock(['prune'], { root });
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.deepEqual((await readdir(join(root, 'reports'))).filter((n) => n.startsWith(id)), []);
  const fsck = await runDrydock(['fsck'], { root });
  assert.match(fsck.stdout, /^checked \d+ blobs: ok\n$/);
});
