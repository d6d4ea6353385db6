/**
 * Heredocs run as BuildKit runs them: `RUN <<EOF` scripts with and without a `#!` line,
 * several heredocs feeding one command, `<<-` tab stripping, COPY <<EOF files with build-time
 * expansion unless the delimiter is quoted.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../../../src/store/index.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith, contextDir, imageFiles, cliBuild, exists } from './util.js';

let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });
after(removeTmpStoreRoots);

test('RUN and COPY heredocs', async () => {
  const ctx = await contextDir({ Dockerfile: [
    'FROM busybox',
    'ARG NAME=world',
    'RUN <<EOF',
    'echo one > /run-plain',
    'echo "two $NAME" >> /run-plain',
    'EOF',
    'RUN <<EOF',
    '#!/bin/sh -e',
    'echo "script $0 $NAME" > /run-shebang',
    'EOF',
    'RUN <<FILE1 cat > /file1 && <<FILE2 cat > /file2',
    'I am',
    'first',
    'FILE1',
    'I am',
    'second $NAME',
    'FILE2',
    "RUN cat <<'EOF' > /quoted-in-shell",
    'kept $NAME',
    'EOF',
    'RUN <<-EOF',
    '\techo tabs > /run-dash',
    '\tEOF',
    'COPY <<EOF /copy-expanded',
    'hello $NAME',
    'EOF',
    'COPY <<"EOF" /copy-quoted',
    'hello $NAME',
    'EOF',
    'COPY <<-EOF /copy-dash',
    '\ttab stripped',
    '\tEOF',
    'COPY <<one <<two /multi/',
    'first',
    'one',
    'second',
    'two',
    "COPY --chmod=755 <<'EOF' /usr/local/bin/hi",
    '#!/bin/sh',
    'echo hi from $1',
    'EOF',
    'RUN hi script > /ran-copied',
    '',
  ].join('\n') });
  await cliBuild(root, ['-t', 'heredoc:1', ctx]);
  const img = await imageFiles(store, 'heredoc:1');
  try {
    const read = (p: string) => readFile(join(img.dir, p), 'utf8');
    assert.equal(await read('run-plain'), 'one\ntwo world\n');
    assert.equal(await read('run-shebang'), 'script /dev/pipes/EOF world\n');
    assert.equal(await read('file1'), 'I am\nfirst\n');
    assert.equal(await read('file2'), 'I am\nsecond world\n');
    assert.equal(await read('quoted-in-shell'), 'kept $NAME\n');
    assert.equal(await read('run-dash'), 'tabs\n');
    assert.equal(await read('copy-expanded'), 'hello world\n');
    assert.equal(await read('copy-quoted'), 'hello $NAME\n');
    assert.equal(await read('copy-dash'), 'tab stripped\n');
    assert.equal(await read('multi/one'), 'first\n');
    assert.equal(await read('multi/two'), 'second\n');
    assert.equal(await read('ran-copied'), 'hi from script\n');
    assert.equal((await stat(join(img.dir, 'copy-expanded'))).mode & 0o7777, 0o644);
    assert.equal((await stat(join(img.dir, 'usr/local/bin/hi'))).mode & 0o7777, 0o755);
    assert.equal(await exists(join(img.dir, 'dev/pipes')), false);
    const history = img.config.history!.map((h) => h.created_by ?? '');
    assert.ok(history.includes('COPY <<EOF /copy-expanded # buildkit'), history.join('\n'));
    // a script with a shebang runs from /dev/pipes, and history names that path (as BuildKit)
    assert.ok(history.includes('RUN |1 NAME=world /bin/sh -c /dev/pipes/EOF # buildkit'), history.join('\n'));
  } finally { await img.cleanup(); }
});
