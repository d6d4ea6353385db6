/** lint with base images in a real local store: their config is used, and nothing is pulled. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { hostPlatform } from '../../../src/image/oci.js';
import { lint } from '../../../src/lint/index.js';
import { openStore } from '../../../src/store/index.js';
import { makeTestImage, makeTestIndex } from '../../helpers/images.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

after(removeTmpStoreRoots);

const host = hostPlatform();
const other = { os: 'linux', architecture: host.architecture === 'arm64' ? 'amd64' : 'arm64' };
const fmt = (p: { os: string; architecture: string }) => `${p.os}/${p.architecture}`;

describe('lint with a local store', () => {
  it('InvalidBaseImagePlatform: a local base image for another architecture', async () => {
    const root = await tmpStoreRoot();
    const store = await openStore(root);
    await makeTestImage(store, 'example.com/foreign:1', { platform: other, layers: 1 });
    await makeTestImage(store, 'example.com/native:1', { layers: 1 });
    const res = await lint({ dockerfileText: 'FROM example.com/native:1 AS a\nFROM example.com/foreign:1\nCOPY --from=a / /\n', root });
    assert.deepEqual(res.findings.map((f) => [f.rule, f.line, f.message]), [[
      'InvalidBaseImagePlatform', 2,
      `Base image example.com/foreign:1 was pulled with platform "${fmt(other)}", expected "${fmt(host)}" for current build`,
    ]]);
    assert.equal(res.findings[0]!.url, 'docs/rules/InvalidBaseImagePlatform.md');
    const skipped = await lint({ dockerfileText: '# check=skip=InvalidBaseImagePlatform\nFROM example.com/foreign:1\n', root });
    assert.deepEqual(skipped.findings, []);
  });

  it('a multi-platform index resolves to the matching platform: no finding', async () => {
    const root = await tmpStoreRoot();
    const store = await openStore(root);
    const a = await makeTestImage(store, 'tmp/a:1', { platform: host, layers: 1 });
    const b = await makeTestImage(store, 'tmp/b:1', { platform: other, layers: 1 });
    await makeTestIndex(store, 'example.com/multi:1', [{ image: a, platform: host }, { image: b, platform: other }]);
    assert.deepEqual((await lint({ dockerfileText: 'FROM example.com/multi:1\n', root })).findings, []);
  });

  it("UndefinedVar is checked against a local base image's env, and only there", async () => {
    const root = await tmpStoreRoot();
    const store = await openStore(root);
    await makeTestImage(store, 'example.com/base:1', { layers: 1 });
    // (RUN's shell form is expanded by the shell, not checked)
    const text = 'FROM example.com/base:1\nENV A=$PATH B=$NOPE\nRUN echo $NOPE2\nFROM example.com/elsewhere:1\nENV C=$NOPE\n';
    const res = await lint({ dockerfileText: text, root });
    assert.deepEqual(res.findings.filter((f) => f.rule === 'UndefinedVar').map((f) => [f.line, f.message]), [[2, "Usage of undefined variable '$NOPE'"]]);
    // the store was only read: the missing image was not pulled or recorded
    assert.equal(await store.images.get('example.com/elsewhere:1'), undefined);
  });

  it('a store root that does not exist is not created', async () => {
    const root = `${await tmpStoreRoot()}/missing`;
    const res = await lint({ dockerfileText: 'FROM example.com/base:1\n', root });
    assert.equal(res.error, undefined);
    const { access } = await import('node:fs/promises');
    await assert.rejects(access(root));
  });
});
