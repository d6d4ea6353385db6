import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCacheSpec, type CacheDirection, type CacheSpec } from '../../../src/cache/spec.js';
import { DrydockError } from '../../../src/util/errors.js';

const ok: Array<[string, CacheDirection, CacheSpec]> = [
  ['reg:5000/app:cache', 'from', { type: 'registry', ref: 'reg:5000/app:cache' }],
  ['type=registry,ref=reg/app:cache', 'from', { type: 'registry', ref: 'reg/app:cache' }],
  ['type=registry,ref=reg/app:cache,mode=max', 'to', { type: 'registry', ref: 'reg/app:cache', mode: 'max' }],
  ['type=registry,ref=r/a,compression=zstd,compression-level=9,force-compression=true', 'to',
    { type: 'registry', ref: 'r/a', compression: 'zstd', compressionLevel: 9, forceCompression: true }],
  ['type=registry,ref=r/a,ignore-error=true', 'to', { type: 'registry', ref: 'r/a', ignoreError: true }],
  ['type=local,dest=/tmp/c', 'to', { type: 'local', dir: '/tmp/c' }],
  ['type=local,src=/tmp/c,tag=v1', 'from', { type: 'local', dir: '/tmp/c', tag: 'v1' }],
  ['type=inline', 'to', { type: 'inline' }],
  ['type=inline,mode=min', 'to', { type: 'inline', mode: 'min' }],
];

for (const [spec, dir, want] of ok) {
  test(`--cache-${dir} ${spec}`, () => assert.deepEqual(parseCacheSpec(spec, dir), want));
}

const bad: Array<[string, CacheDirection, RegExp]> = [
  ['type=registry', 'to', /needs ref=/],
  ['type=local,src=/x', 'to', /type=local needs dest=DIR/],
  ['type=local,dest=/x', 'from', /type=local needs src=DIR/],
  ['type=inline', 'from', /type=registry,ref=IMAGE/],
  ['type=s3,bucket=x', 'to', /type must be registry, local or inline/],
  ['type=registry,ref=r/a,mode=all', 'to', /mode must be min or max/],
  ['type=inline,mode=max', 'to', /only mode=min/],
  ['type=registry,ref=r/a,compression=lz4', 'to', /compression must be gzip, zstd or uncompressed/],
  ['type=registry,ref=r/a,compression=gzip,compression-level=12', 'to', /must be 0-9/],
  ['type=registry,ref=r/a,compression-level=3', 'to', /needs compression=gzip or zstd/],
  ['type=registry,ref=r/a,colour=blue', 'to', /unknown attribute "colour"/],
  ['type=registry,ref', 'to', /expected key=value pairs/],
];

for (const [spec, dir, message] of bad) {
  test(`--cache-${dir} ${spec} is refused`, () => {
    assert.throws(() => parseCacheSpec(spec, dir), (e: unknown) => e instanceof DrydockError && e.code === 'USAGE' && message.test(e.message));
  });
}
