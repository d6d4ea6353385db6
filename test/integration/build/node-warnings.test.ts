/**
 * Node's own warnings never reach the user. A Rust-like layout on Debian (a release binary made in
 * one `debian:bookworm` stage, copied into a fresh one) exported as a filesystem printed
 * `MaxListenersExceededWarning: … 11 error listeners added to [PassThrough]` (and `close`), even
 * with -q: the tar writer left two listeners on its output for every wait on a slow reader
 * (issue 14, item 5; the unit test is test/unit/archive/writer-listeners.test.ts).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runDrydock } from '../../helpers/cli.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith, contextDir } from './util.js';

let root: string;
before(async () => { ({ root } = await storeWith('debian')); });
after(removeTmpStoreRoots);

const DOCKERFILE = `FROM debian:bookworm AS build
WORKDIR /src
COPY main.rs .
RUN mkdir -p /out && cp /bin/ls /out/app && head -c 4000000 /dev/urandom >> /out/app
FROM debian:bookworm
COPY --from=build /out/app /usr/local/bin/app
CMD ["app"]
`;

test('a Debian image exported as a tar and as a directory prints no Node warning', async () => {
  const ctx = await contextDir({ Dockerfile: DOCKERFILE, 'main.rs': 'fn main() {}\n' });
  const out = await contextDir({});
  for (const output of [`type=tar,dest=${join(out, 'fs.tar')}`, `type=local,dest=${join(out, 'fs')}`, `type=docker,dest=${join(out, 'image.tar')}`]) {
    const r = await runDrydock(['build', '-q', '-t', 'rusty:1', '-o', output, ctx], { root, env: { NODE_OPTIONS: undefined } });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Warning|MaxListeners/, output);
    assert.equal(r.stderr, '', output);
  }
  assert.ok((await stat(join(out, 'fs.tar'))).size > 50_000_000, 'the whole Debian filesystem was written');
  assert.ok((await readdir(join(out, 'fs', 'usr', 'local', 'bin'))).includes('app'));
});
