/**
 * `drydock build --check` and `# check=error=true` on real builds: the CLI in a child process,
 * a real store with the busybox fixture, the real build engine when the checks let it run.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../../src/store/index.js';
import { runDrydock } from '../../helpers/cli.js';
import { fixtureImage } from '../../helpers/fixtures.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

const dirs: string[] = [];
let root: string;

before(async () => {
  root = await tmpStoreRoot();
  await fixtureImage(await openStore(root), 'busybox', 'busybox:latest');
});
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

async function context(dockerfile: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-check-ctx-'));
  dirs.push(dir);
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  await writeFile(join(dir, 'hello.txt'), 'hello\n');
  return dir;
}

const imageRefs = async (): Promise<string[]> => (await (await openStore(root)).images.list()).map((r) => r.ref).sort();

describe('drydock build --check', () => {
  it('runs only the checks: docker build --check output, exit 1 on warnings, nothing built', async () => {
    const before = await imageRefs();
    const dir = await context('FROM busybox:latest as base\nCOPY hello.txt /\nCMD cat /hello.txt\n');
    const r = await runDrydock(['build', '--check', '-t', 'checked:1', dir], { root });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^Check complete, 2 warnings have been found!\n/);
    assert.ok(r.stdout.includes([
      'WARNING: FromAsCasing - https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
      "'as' and 'FROM' keywords' casing do not match",
      `${join(dir, 'Dockerfile')}:1`,
      '--------------------',
      '   1 | >>> FROM busybox:latest as base',
      '   2 |     COPY hello.txt /',
      '   3 |     CMD cat /hello.txt',
      '--------------------',
    ].join('\n')), r.stdout);
    assert.match(r.stdout, /\nWARNING: JSONArgsRecommended - .*\nJSON arguments recommended for CMD/);
    // drydock's advice comes last and does not count
    assert.match(r.stdout, /\nINFO: UnpinnedBaseImage - docs\/rules\/UnpinnedBaseImage\.md\nBase image "busybox:latest" uses the latest tag/);
    assert.deepEqual(await imageRefs(), before, 'no image was built');
  });

  it('exits 0 with "no warnings found" on a clean Dockerfile', async () => {
    const dir = await context('# check=skip=UnpinnedBaseImage\nFROM busybox:latest\nCOPY hello.txt /\nCMD ["cat", "/hello.txt"]\n');
    const r = await runDrydock(['build', '--check', dir], { root });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, 'Check complete, no warnings found.\n');
  });
});

describe('# check=error=true on a build', () => {
  it('a warning stops the build before anything runs', async () => {
    const before = await imageRefs();
    const dir = await context('# check=error=true\nFROM busybox:latest\nCOPY hello.txt /\nCMD cat /hello.txt\n');
    const r = await runDrydock(['build', '-t', 'strict:1', dir], { root });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Dockerfile:4: error: JSONArgsRecommended: /);
    assert.match(r.stderr, /error: lint violation found for rules: JSONArgsRecommended\n/);
    assert.deepEqual(await imageRefs(), before);
  });

  it('a clean Dockerfile builds (drydock advice does not fail it)', async () => {
    const dir = await context('# check=error=true\nFROM busybox:latest\nCOPY hello.txt /\nCMD ["cat", "/hello.txt"]\n');
    const r = await runDrydock(['build', '--progress', 'plain', '-t', 'strict:2', dir], { root });
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await imageRefs()).includes('docker.io/library/strict:2'));
  });
});
