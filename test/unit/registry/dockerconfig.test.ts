import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getCredentials, removeCredentials, saveCredentials, DOCKER_HUB_AUTH_KEY } from '../../../src/registry/auth/dockerconfig.js';
import { endpointOptions } from '../../../src/registry/settings.js';

describe('docker config.json credentials', () => {
  let dir: string;
  let file: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'drydock-cfg-'));
    file = path.join(dir, 'sub', 'config.json');
  });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('is anonymous without a file', async () => {
    assert.equal(await getCredentials('docker.io', file), undefined);
  });

  it('saves base64 user:password under the registry key, docker.io under its v1 URL, mode 0600', async () => {
    await saveCredentials('127.0.0.1:5000', 'alice', 'pa:ss', file);
    await saveCredentials('docker.io', 'bob', 'pw', file);
    const cfg = JSON.parse(await fs.readFile(file, 'utf8')) as { auths: Record<string, { auth: string }> };
    assert.deepEqual(Object.keys(cfg.auths).sort(), [DOCKER_HUB_AUTH_KEY, '127.0.0.1:5000'].sort());
    assert.equal(Buffer.from(cfg.auths['127.0.0.1:5000']!.auth, 'base64').toString(), 'alice:pa:ss');
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await getCredentials('127.0.0.1:5000', file), { username: 'alice', password: 'pa:ss' });
    assert.deepEqual(await getCredentials('docker.io', file), { username: 'bob', password: 'pw' });
  });

  it('finds entries written with a scheme or path, and identity tokens', async () => {
    const other = path.join(dir, 'other.json');
    await fs.writeFile(other, JSON.stringify({
      auths: {
        'https://reg.example.com/v2/': { auth: Buffer.from('u:p').toString('base64') },
        'token.example.com': { identitytoken: 'refresh-me' },
      },
      HttpHeaders: { 'X-Keep': 'me' },
    }));
    assert.deepEqual(await getCredentials('reg.example.com', other), { username: 'u', password: 'p' });
    assert.deepEqual(await getCredentials('token.example.com', other), { identityToken: 'refresh-me', username: undefined });
    assert.equal(await removeCredentials('reg.example.com', other), true);
    const kept = JSON.parse(await fs.readFile(other, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(kept.HttpHeaders, { 'X-Keep': 'me' }); // other settings survive a rewrite
    assert.equal(await removeCredentials('reg.example.com', other), false);
  });

  it('rejects a malformed file with its path', async () => {
    const bad = path.join(dir, 'bad.json');
    await fs.writeFile(bad, '{not json');
    await assert.rejects(getCredentials('docker.io', bad), (e: Error) => e.message.startsWith(`${bad}: invalid JSON`));
  });
});

describe('drydock registry settings file', () => {
  it('reads registry-mirrors and insecure-registries from <root>/config.json; options win', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'drydock-root-'));
    try {
      assert.deepEqual(await endpointOptions({ mirrors: {}, insecure: false }, root), { tlsVerify: undefined, insecure: false, mirrors: {} });
      await fs.writeFile(path.join(root, 'config.json'), JSON.stringify({ 'registry-mirrors': ['http://127.0.0.1:5000'], 'insecure-registries': ['r:1'] }));
      assert.deepEqual(await endpointOptions({}, root), { tlsVerify: undefined, insecure: ['r:1'], mirrors: { 'docker.io': ['http://127.0.0.1:5000'] } });
      assert.deepEqual((await endpointOptions({ mirrors: {} }, root)).mirrors, {});
      await fs.writeFile(path.join(root, 'config.json'), JSON.stringify({ 'registry-mirrors': 'http://x' }));
      await assert.rejects(endpointOptions({}, root), /"registry-mirrors" must be a list of strings/);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
