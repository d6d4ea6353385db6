import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../../src/store/index.js';
import { pullImage, pushImage } from '../../../src/registry/index.js';
import { DrydockError } from '../../../src/util/errors.js';
import { runDrydock } from '../../helpers/cli.js';
import { makeTestImage } from '../../helpers/images.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

async function dockerConfigDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'drydock-dockercfg-'));
}

describe('Basic auth (htpasswd) with drydock login/logout', () => {
  let registry: RegistryFixture;
  let cfgDir: string;
  before(async () => {
    registry = await startRegistry({ htpasswd: { user: 'alice', password: 's3cret' } });
    cfgDir = await dockerConfigDir();
  });
  after(async () => {
    await registry.stop();
    await removeTmpStoreRoots();
    await fs.rm(cfgDir, { recursive: true, force: true });
  });

  it('refuses anonymous push and pull with a login hint', async () => {
    const store = await openStore(await tmpStoreRoot());
    const ref = `${registry.host}/private/app:1`;
    await makeTestImage(store, ref, { layers: 1 });
    const configPath = path.join(cfgDir, 'config.json');
    await assert.rejects(pushImage(store, ref, ref, { configPath }), (e: unknown) => {
      assert.ok(e instanceof DrydockError);
      assert.equal(e.code, 'AUTH');
      assert.match(e.message, new RegExp(`^push ${ref}: ${registry.host}: unauthorized: .*drydock login ${registry.host}`));
      return true;
    });
    await assert.rejects(pullImage(store, ref, { configPath }), /unauthorized/);
  });

  it('rejects a wrong password at login and stores nothing', async () => {
    const r = await runDrydock(['login', '-u', 'alice', '--password-stdin', registry.host], { input: 'wrong\n', env: { DOCKER_CONFIG: cfgDir } });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim(), `error: login ${registry.host}: ${registry.host}: unauthorized: incorrect username or password`);
    await assert.rejects(fs.readFile(path.join(cfgDir, 'config.json'), 'utf8'), { code: 'ENOENT' });
  });

  it('logs in, writes base64 auth like docker, pushes and pulls, logs out', async () => {
    const root = await tmpStoreRoot();
    const env = { DOCKER_CONFIG: cfgDir };
    const login = await runDrydock(['login', '-u', 'alice', '--password-stdin', registry.host], { input: 's3cret\n', env });
    assert.equal(login.code, 0, login.stderr);
    assert.equal(login.stdout, 'Login Succeeded\n');
    const cfg = JSON.parse(await fs.readFile(path.join(cfgDir, 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
    assert.equal(cfg.auths[registry.host]?.auth, Buffer.from('alice:s3cret').toString('base64'));

    const store = await openStore(root);
    const ref = `${registry.host}/private/app:2`;
    const img = await makeTestImage(store, ref, { layers: 1 });
    const push = await runDrydock(['push', ref], { root, env });
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, new RegExp(`2: digest: ${img.manifestDescriptor.digest}`));

    const root2 = await tmpStoreRoot();
    const pull = await runDrydock(['pull', ref], { root: root2, env });
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stdout.trim().split('\n').pop(), ref);

    const logout = await runDrydock(['logout', registry.host], { env });
    assert.equal(logout.stdout, `Removing login credentials for ${registry.host}\n`);
    const after = JSON.parse(await fs.readFile(path.join(cfgDir, 'config.json'), 'utf8')) as { auths: Record<string, unknown> };
    assert.equal(after.auths[registry.host], undefined);
    const again = await runDrydock(['logout', registry.host], { env });
    assert.equal(again.stdout, `Not logged in to ${registry.host}\n`);

    const denied = await runDrydock(['pull', ref], { root: await tmpStoreRoot(), env });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /unauthorized/);
  });

  it('reads credentials through a docker-credential helper (credsStore)', async () => {
    const dir = await dockerConfigDir();
    const binDir = path.join(dir, 'bin');
    await fs.mkdir(binDir);
    const db = path.join(dir, 'helper-db.json');
    // A real helper speaking the protocol, backed by a JSON file.
    await fs.writeFile(path.join(binDir, 'docker-credential-testfile'), `#!/usr/bin/env node
const fs = require('fs'); const db = ${JSON.stringify(db)};
const all = fs.existsSync(db) ? JSON.parse(fs.readFileSync(db, 'utf8')) : {};
let input = ''; process.stdin.on('data', (d) => input += d).on('end', () => {
  const action = process.argv[2];
  if (action === 'store') { const c = JSON.parse(input); all[c.ServerURL] = c; fs.writeFileSync(db, JSON.stringify(all)); }
  else if (action === 'get') { const c = all[input.trim()]; if (!c) { process.stdout.write('credentials not found in native keychain'); process.exit(1); } process.stdout.write(JSON.stringify(c)); }
  else if (action === 'erase') { delete all[input.trim()]; fs.writeFileSync(db, JSON.stringify(all)); }
});
`, { mode: 0o755 });
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ credsStore: 'testfile' }));
    const env = { DOCKER_CONFIG: dir, PATH: `${binDir}:${process.env.PATH}` };
    const login = await runDrydock(['login', '-u', 'alice', '-p', 's3cret', registry.host], { env });
    assert.equal(login.code, 0, login.stderr);
    const stored = JSON.parse(await fs.readFile(db, 'utf8')) as Record<string, { Username: string; Secret: string }>;
    assert.deepEqual(stored[registry.host], { ServerURL: registry.host, Username: 'alice', Secret: 's3cret' });
    const cfg = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as { auths: Record<string, object> };
    assert.deepEqual(cfg.auths[registry.host], {}); // no secret in the file

    const root = await tmpStoreRoot();
    const store = await openStore(root);
    const ref = `${registry.host}/helper/app:1`;
    await makeTestImage(store, ref, { layers: 1 });
    const push = await runDrydock(['push', ref], { root, env });
    assert.equal(push.code, 0, push.stderr);
    await runDrydock(['logout', registry.host], { env });
    assert.deepEqual(JSON.parse(await fs.readFile(db, 'utf8')), {});
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe('Bearer token auth', () => {
  let registry: RegistryFixture;
  let cfgDir: string;
  before(async () => {
    registry = await startRegistry({
      tokenAuth: {
        users: { bob: 'hunter2', reader: 'readonly' },
        grant: (subject, _repo, requested) => (subject === 'bob' ? requested : subject === 'reader' ? requested.filter((a) => a === 'pull') : []),
      },
    });
    cfgDir = await dockerConfigDir();
  });
  after(async () => {
    await registry.stop();
    await removeTmpStoreRoots();
    await fs.rm(cfgDir, { recursive: true, force: true });
  });

  it('gets tokens with service and scope, reuses them per scope, and pushes and pulls', async () => {
    const login = await runDrydock(['login', '-u', 'bob', '--password-stdin', registry.host], { input: 'hunter2', env: { DOCKER_CONFIG: cfgDir } });
    assert.equal(login.code, 0, login.stderr);
    const configPath = path.join(cfgDir, 'config.json');
    const tokens = registry.tokenServer!.requests;
    tokens.length = 0;

    const store = await openStore(await tmpStoreRoot());
    const ref = `${registry.host}/team/app:1`;
    await makeTestImage(store, ref, { layers: 4 });
    await pushImage(store, ref, ref, { configPath });
    assert.ok(tokens.length >= 1);
    for (const t of tokens) {
      assert.equal(t.service, 'drydock-test-registry');
      assert.equal(t.account, 'bob');
      assert.equal(t.status, 200);
    }
    assert.ok(tokens.some((t) => t.scopes.includes('repository:team/app:pull,push')));
    // One token per scope set per operation, not one per blob.
    assert.ok(tokens.length <= 3, `token requests: ${JSON.stringify(tokens)}`);

    tokens.length = 0;
    const dst = await openStore(await tmpStoreRoot());
    await pullImage(dst, ref, { configPath });
    assert.deepEqual(tokens.map((t) => t.scopes), [['repository:team/app:pull']]);
  });

  it('says denied when the token lacks push access, and unauthorized for a bad password', async () => {
    const dir = await dockerConfigDir();
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('reader:readonly').toString('base64') } } }));
    const configPath = path.join(dir, 'config.json');
    const store = await openStore(await tmpStoreRoot());
    const ref = `${registry.host}/team/readonly:1`;
    await makeTestImage(store, ref, { layers: 1 });
    await assert.rejects(pushImage(store, ref, ref, { configPath }), (e: unknown) => {
      assert.ok(e instanceof DrydockError && e.code === 'AUTH');
      assert.equal(e.message, `push ${ref}: ${registry.host}: denied: requested access to the resource is denied`);
      return true;
    });

    const bad = await runDrydock(['login', '-u', 'bob', '-p', 'nope', registry.host], { env: { DOCKER_CONFIG: dir } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`error: login ${registry.host}: ${registry.host}: unauthorized: incorrect username or password`));
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('anonymous pull of a private repository asks to log in', async () => {
    const store = await openStore(await tmpStoreRoot());
    await assert.rejects(pullImage(store, `${registry.host}/team/app:1`, { configPath: path.join(os.tmpdir(), 'drydock-none', 'config.json') }), (e: unknown) => {
      assert.ok(e instanceof DrydockError && e.code === 'AUTH');
      assert.match(e.message, /unauthorized: .*not logged in; run: drydock login/);
      return true;
    });
  });
});
