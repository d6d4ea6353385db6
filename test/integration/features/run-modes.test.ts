/**
 * RUN --network=none|host|default and RUN --security=insecure|sandbox (insecure only with
 * `--allow security.insecure`, refused before the cache is even consulted).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../../../src/store/index.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith, contextDir, imageFiles, cliBuild } from './util.js';

let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });
after(removeTmpStoreRoots);

const ifaces = "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\\n' ' '";

async function hostIfaces(): Promise<string> {
  const text = await readFile('/proc/net/dev', 'utf8');
  return text.split('\n').slice(2).filter(Boolean).map((l) => l.split(':')[0]!.trim()).sort().join(' ') + ' ';
}

test('RUN --network: none has only loopback; host and default share the host network', async () => {
  const ctx = await contextDir({ Dockerfile: `
FROM busybox
RUN --network=none ${ifaces} > /none
RUN --network=host ${ifaces} > /host
RUN --network=default ${ifaces} > /default
RUN ${ifaces} > /plain
` });
  await cliBuild(root, ['-t', 'net:1', ctx]);
  const host = await hostIfaces();
  assert.notEqual(host, 'lo ', 'this test needs a host with a network interface besides lo');
  const img = await imageFiles(store, 'net:1');
  try {
    const read = (p: string) => readFile(join(img.dir, p), 'utf8');
    assert.equal(await read('none'), 'lo ');
    assert.equal(await read('host'), host);
    assert.equal(await read('default'), host);
    assert.equal(await read('plain'), host);
  } finally { await img.cleanup(); }

  // `build --network none` makes none the default, but RUN --network=host still wins
  await cliBuild(root, ['-t', 'net:2', '--network', 'none', ctx]);
  const img2 = await imageFiles(store, 'net:2');
  try {
    assert.equal(await readFile(join(img2.dir, 'default'), 'utf8'), 'lo ');
    assert.equal(await readFile(join(img2.dir, 'host'), 'utf8'), host);
  } finally { await img2.cleanup(); }
});

test('RUN --security=insecure needs --allow security.insecure and then gets every capability', async () => {
  const ctx = await contextDir({ Dockerfile: `
FROM busybox
RUN --security=insecure mkdir /m && mount -t tmpfs none /m && echo mounted > /insecure && umount /m && rmdir /m
RUN --security=sandbox (mkdir /m && mount -t tmpfs none /m 2>/dev/null && echo mounted || echo refused) > /sandbox; rmdir /m
RUN grep CapEff /proc/self/status | cut -f2 > /caps-default
` });
  const refused = await cliBuild(root, [ctx], { expectFail: true });
  assert.match(refused.stderr, /Dockerfile:3: security\.insecure is not allowed/);
  assert.doesNotMatch(refused.stderr, /DONE/, 'the insecure step must not run');

  await cliBuild(root, ['-t', 'sec:1', '--allow', 'security.insecure', ctx]);
  const img = await imageFiles(store, 'sec:1');
  try {
    const read = (p: string) => readFile(join(img.dir, p), 'utf8');
    assert.equal(await read('insecure'), 'mounted\n');
    assert.equal(await read('sandbox'), 'refused\n');
    assert.equal(await read('caps-default'), '00000000a80425fb\n'); // Docker's default capability set
  } finally { await img.cleanup(); }

  // once cached, the step still needs the entitlement
  const cached = await cliBuild(root, [ctx], { expectFail: true });
  assert.match(cached.stderr, /security\.insecure is not allowed/);

  const bad = await cliBuild(root, ['--allow', 'everything', ctx], { expectFail: true });
  assert.match(bad.stderr, /invalid --allow "everything"/);
});
