/**
 * Foreign Debian under QEMU: `FROM debian:bookworm` resolves, per --platform, to the arm64 or
 * armhf rootfs bootstrapped by test/helpers/foreign-debian.ts, and a RUN executes that
 * architecture's dpkg and coreutils (no apt-get: nothing is fetched).
 * The first run bootstraps the rootfs (minutes under emulation); later runs use the cache.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore } from '../../../src/store/index.js';
import { registeredEmulators } from '../../../src/exec/binfmt.js';
import { runDrydock } from '../../helpers/cli.js';
import { debianIndex } from '../../helpers/foreign-debian.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { contextDir, imageFiles } from '../build/util.js';

let root: string;
before(async () => {
  if (!['arm64', 'arm'].every((a) => registeredEmulators().emulators.some((e) => e.architecture === a && e.enabled && e.fixBinary))) {
    const r = await runDrydock(['setup', 'binfmt', 'arm64', 'arm']);
    assert.equal(r.code, 0, r.stderr);
  }
  root = await tmpStoreRoot();
  await debianIndex(await openStore(root), ['linux/arm64', 'linux/arm/v7']);
});
after(removeTmpStoreRoots);

const DOCKERFILE = 'FROM debian:bookworm\nRUN dpkg --print-architecture > /arch && uname -m >> /arch && test -x /usr/bin/apt-get\n';

for (const [platform, expected, architecture] of [
  ['linux/arm64', 'arm64\naarch64\n', 'arm64'],
  ['linux/arm/v7', 'armhf\narmv7l\n', 'arm'],
  ['linux/amd64', 'amd64\nx86_64\n', 'amd64'],
] as const) {
  test(`FROM debian --platform ${platform}: RUN runs that architecture's dpkg`, async () => {
    const ctx = await contextDir({ Dockerfile: DOCKERFILE });
    const tag = `deb:${architecture}`;
    const r = await runDrydock(['build', '--progress=plain', '--platform', platform, '-t', tag, ctx], { root });
    assert.equal(r.code, 0, r.stderr);
    const img = await imageFiles(await openStore(root), tag);
    try {
      assert.equal(img.config.architecture, architecture);
      assert.equal(await readFile(join(img.dir, 'arch'), 'utf8'), expected);
    } finally {
      await img.cleanup();
    }
  });
}
