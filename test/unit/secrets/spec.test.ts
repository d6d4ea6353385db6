import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSecretSpec, parseSshSpec, SecretStore, secretFile } from '../../../src/secrets/index.js';
import { DrydockError } from '../../../src/util/errors.js';

test('--secret values parse as buildx parses them', () => {
  const cases: Array<[string, object]> = [
    ['id=npmrc,src=/home/u/.npmrc', { id: 'npmrc', file: '/home/u/.npmrc' }],
    ['id=npmrc,source=/x', { id: 'npmrc', file: '/x' }],
    ['id=tok,env=GH_TOKEN', { id: 'tok', env: 'GH_TOKEN' }],
    ['type=env,id=tok,src=GH_TOKEN', { id: 'tok', env: 'GH_TOKEN' }],
    ['type=file,id=a,src=f', { id: 'a', file: 'f' }],
    ['id=KEY', { id: 'KEY' }],
  ];
  for (const [spec, want] of cases) assert.deepEqual(parseSecretSpec(spec), want, spec);
  for (const [spec, msg] of [
    ['src=/x', /id is required/],
    ['id=a,oops', /field 'oops' must be a key=value pair/],
    ['id=a,type=socket', /unsupported secret type "socket"/],
    ['id=a,mode=0400', /unexpected key 'mode'/],
  ] as const) {
    assert.throws(() => parseSecretSpec(spec), (e: unknown) => e instanceof DrydockError && e.code === 'USAGE' && msg.test(e.message), spec);
  }
});

test('--ssh values: default, ID, ID=PATH[,PATH]', () => {
  assert.deepEqual(parseSshSpec('default'), { id: 'default', paths: [] });
  assert.deepEqual(parseSshSpec('default=/run/agent.sock'), { id: 'default', paths: ['/run/agent.sock'] });
  assert.deepEqual(parseSshSpec('deploy=/k/a, /k/b'), { id: 'deploy', paths: ['/k/a', '/k/b'] });
  assert.throws(() => parseSshSpec('=/x'), /empty id/);
});

test('SecretStore: file, env, and an id alone reads the env variable of that name, else the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-secret-unit-'));
  try {
    await writeFile(join(dir, 'f'), 'from-file');
    const env = { TOKEN: 'from-env', SAME: 'env-wins' };
    const s = new SecretStore([{ id: 'a', file: join(dir, 'f') }, { id: 'b', env: 'TOKEN' }, { id: 'SAME' }, { id: join(dir, 'f') }, { id: 'unset', env: 'NOPE' }], env);
    await s.validate();
    assert.equal((await s.get('a'))!.toString(), 'from-file');
    assert.equal((await s.get('b'))!.toString(), 'from-env');
    assert.equal((await s.get('SAME'))!.toString(), 'env-wins');
    assert.equal((await s.get(join(dir, 'f')))!.toString(), 'from-file');
    assert.equal(await s.get('unset'), undefined);
    assert.equal(await s.get('never-given'), undefined);
    await assert.rejects(new SecretStore([{ id: 'x', file: join(dir, 'missing') }], env).validate(), /secret x: failed to stat .*missing: no such file or directory/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('secretFile: a private file with the asked owner and mode, gone on release', async () => {
  const f = await secretFile(Buffer.from('s3cr3t'), { uid: process.getuid!(), gid: process.getgid!(), mode: 0o440 });
  const st = await stat(f.path);
  assert.equal(st.mode & 0o777, 0o440);
  assert.equal((await stat(join(f.path, '..'))).mode & 0o777, 0o700);
  await f.release();
  await assert.rejects(stat(f.path), /ENOENT/);
});
