// The shared base-image fixtures: built from Debian packages, cached, importable and pushable.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openStore } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { pullImage } from '../../../src/registry/index.js';
import { fixtureImage, fixtureRootfs, seedRegistry } from '../../helpers/fixtures.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

const run = promisify(execFile);

async function tarList(tar: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tvf', tar], { maxBuffer: 256 * 1024 * 1024 });
  return stdout.split('\n');
}

describe('base image fixtures', () => {
  let registry: RegistryFixture;
  before(async () => { registry = await startRegistry(); });
  after(async () => { await registry.stop(); await removeTmpStoreRoots(); });

  it('busybox: the static binary, an applet link for each applet, users and groups', async () => {
    const tar = await fixtureRootfs('busybox');
    assert.equal(await fixtureRootfs('busybox'), tar); // cached
    const list = await tarList(tar);
    assert.ok(list.some((l) => / \.\/bin\/busybox$/.test(l)));
    assert.ok(list.some((l) => / \.\/bin\/sh -> \/bin\/busybox$/.test(l)));
    assert.ok(list.some((l) => / \.\/usr\/bin\/wget -> \/bin\/busybox$/.test(l)));
    assert.ok(list.some((l) => /^drwxrwxrwt .* \.\/tmp\/$/.test(l)));
    const { stdout: passwd } = await run('tar', ['-xOf', tar, './etc/passwd']);
    assert.match(passwd, /^root:x:0:0:/m);
    assert.match(passwd, /^nobody:x:65534:65534:/m);

    const store = await openStore(await tmpStoreRoot());
    await fixtureImage(store, 'busybox');
    const rec = await store.images.get('busybox');
    assert.ok(rec);
    const img = await resolveImage(store, rec.target);
    assert.deepEqual(img.config.config?.Cmd, ['sh']);
    assert.ok(img.config.config?.Env?.some((e) => e.startsWith('PATH=')));
  });

  it('debian and golang: debootstrap minbase, Go on PATH with GOPATH=/go', async () => {
    const debian = await tarList(await fixtureRootfs('debian'));
    assert.ok(debian.some((l) => / \.\/usr\/bin\/apt-get$/.test(l)));
    assert.ok(debian.some((l) => / \.\/bin\/bash$|\.\/usr\/bin\/bash$/.test(l)));
    assert.equal(debian.some((l) => /\.\/var\/cache\/apt\/archives\/.*\.deb$/.test(l)), false);
    const golang = await tarList(await fixtureRootfs('golang'));
    assert.ok(golang.some((l) => / \.\/usr\/lib\/go-1\.\d+\/bin\/go$/.test(l)));
    assert.ok(golang.some((l) => / \.\/usr\/lib\/go -> /.test(l)));

    const store = await openStore(await tmpStoreRoot());
    await fixtureImage(store, 'golang', 'my/golang:test');
    const img = await resolveImage(store, (await store.images.get('my/golang:test'))!.target);
    const env = img.config.config?.Env ?? [];
    assert.ok(env.includes('GOPATH=/go'));
    assert.ok(env.some((e) => e.startsWith('PATH=') && e.includes('/usr/lib/go/bin')));
    assert.equal(img.config.config?.WorkingDir, '/go');
  });

  it('seedRegistry pushes them as HOST/library/NAME:TAG; a mirror store pulls them by their Hub names', async () => {
    const refs = await seedRegistry(registry, ['busybox', 'debian', 'golang']);
    assert.equal(refs.busybox, `${registry.host}/library/busybox:latest`);
    assert.equal(refs.debian, `${registry.host}/library/debian:bookworm`);
    assert.match(refs.golang, new RegExp(`^${registry.host.replace(/\./g, '\\.')}/library/golang:1\\.\\d+$`));
    for (const ref of Object.values(refs)) {
      const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]);
      assert.equal((JSON.parse(stdout) as { Os: string }).Os, 'linux');
    }
    const store = await openStore(await tmpStoreRoot({ mirror: registry }));
    const pulled = await pullImage(store, 'debian:bookworm');
    assert.deepEqual(pulled.config.config?.Cmd, ['bash']);
  });
});
