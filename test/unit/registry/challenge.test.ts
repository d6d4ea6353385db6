import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenges } from '../../../src/registry/auth/challenge.js';

describe('parseChallenges', () => {
  const cases: Array<[string, ReturnType<typeof parseChallenges>]> = [
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } }],
    ],
    [
      'Bearer realm="https://r/token",error="insufficient_scope",scope="repository:a:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://r/token', error: 'insufficient_scope', scope: 'repository:a:pull,push' } }],
    ],
    ['Bearer realm=unquoted, Service="x"', [{ scheme: 'bearer', params: { realm: 'unquoted', service: 'x' } }]],
    ['Bearer realm="a\\"b"', [{ scheme: 'bearer', params: { realm: 'a"b' } }]],
    [
      'Basic realm="x", Bearer realm="https://t",service="s"',
      [{ scheme: 'basic', params: { realm: 'x' } }, { scheme: 'bearer', params: { realm: 'https://t', service: 's' } }],
    ],
    ['', []],
  ];
  for (const [header, want] of cases) {
    it(JSON.stringify(header), () => assert.deepEqual(parseChallenges(header), want));
  }

  it('takes several header values', () => {
    assert.deepEqual(parseChallenges(['Basic realm="a"', 'Bearer realm="b"']).map((c) => c.scheme), ['basic', 'bearer']);
    assert.deepEqual(parseChallenges(undefined), []);
  });
});
