import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import type { BuildEvent } from '../../../src/solver/events.js';
import type { Store } from '../../../src/store/index.js';
import { runDrydock } from '../../helpers/cli.js';
import { storeWith, contextDir } from './util.js';

let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });

/** instruction → reasons, for the steps that missed. */
function why(events: BuildEvent[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) if (e.type === 'step-explain') out[e.instruction] = e.reasons;
  return out;
}

test('explains misses: instruction, build-arg, ENV, secret-looking names, parent step', async () => {
  const df = (cmd: string, env: string) => `FROM busybox\nARG VERSION=1\nARG API_TOKEN=t0\nENV MODE=${env}\nRUN ${cmd}\nRUN echo after\n`;
  const ctx = await contextDir({ Dockerfile: df('echo $VERSION $MODE', 'dev') });
  const first = why((await build({ context: ctx, root })).events);
  assert.deepEqual(first['RUN echo $VERSION $MODE'], ['no earlier build of this Dockerfile and target to compare with']);

  assert.deepEqual(why((await build({ context: ctx, root, buildArgs: { VERSION: '2' } })).events), {
    'RUN echo $VERSION $MODE': ['build-arg/ENV VERSION changed: "1" → "2"'],
    'RUN echo after': ['build-arg/ENV VERSION changed: "1" → "2"'],
  });
  assert.deepEqual(why((await build({ context: ctx, root, buildArgs: { VERSION: '2', API_TOKEN: 'sekrit' } })).events)['RUN echo $VERSION $MODE'],
    ['build-arg/ENV API_TOKEN changed']); // the value of a secret-looking name is never shown

  await writeFile(join(ctx, 'Dockerfile'), df('echo $VERSION $MODE', 'prod'));
  const env = why((await build({ context: ctx, root, buildArgs: { VERSION: '2', API_TOKEN: 'sekrit' } })).events);
  assert.deepEqual(env['RUN echo $VERSION $MODE'], ['build-arg/ENV MODE changed: "dev" → "prod"']);

  await writeFile(join(ctx, 'Dockerfile'), df('echo v=$VERSION', 'prod'));
  const instr = why((await build({ context: ctx, root, buildArgs: { VERSION: '2', API_TOKEN: 'sekrit' } })).events);
  assert.deepEqual(instr['RUN echo v=$VERSION'], ['the instruction changed: "RUN echo $VERSION $MODE" → "RUN echo v=$VERSION"']);
  assert.deepEqual(instr['RUN echo after'], ['the step before it was rebuilt (RUN echo v=$VERSION)']);
});

test('explains COPY misses with the files added, removed and changed', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nCOPY src/ /src/\nRUN ls /src\n', 'src/a.txt': 'a', 'src/b.txt': 'b', 'src/c.txt': 'c' });
  await build({ context: ctx, root });
  await writeFile(join(ctx, 'src/a.txt'), 'A');
  await writeFile(join(ctx, 'src/new.txt'), 'n');
  await rm(join(ctx, 'src/c.txt'));
  const w = why((await build({ context: ctx, root })).events);
  assert.deepEqual(w['COPY src/ /src/'], ['files it copies: 1 changed (src/a.txt); 1 added (src/new.txt); 1 removed (src/c.txt)']);
  assert.deepEqual(w['RUN ls /src'], ['the step before it was rebuilt (COPY src/ /src/)']);
});

test('explains a COPY --from whose stage was rebuilt', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox AS builder\nCOPY a.txt /a.txt\nFROM busybox\nCOPY --from=builder /a.txt /b.txt\n', 'a.txt': '1' });
  await build({ context: ctx, root });
  await writeFile(join(ctx, 'a.txt'), '2');
  const w = why((await build({ context: ctx, root })).events);
  assert.deepEqual(w['COPY --from=builder /a.txt /b.txt'], ['the stage builder it reads from was rebuilt']);
});

test('explains a changed base image digest', async () => {
  const mk = async (tag: string, content: string) => {
    const c = await contextDir({ Dockerfile: `FROM busybox\nRUN echo ${content} > /base.txt\n` });
    await build({ context: c, root, tags: [tag] });
  };
  await mk('explain-base:1', 'one');
  const ctx = await contextDir({ Dockerfile: 'FROM explain-base:1\nRUN cat /base.txt\n' });
  await build({ context: ctx, root });
  await mk('explain-base:1', 'two'); // the tag now names another image
  const w = why((await build({ context: ctx, root })).events);
  assert.equal(w['RUN cat /base.txt'].length, 1);
  assert.match(w['RUN cat /base.txt'][0], /^the base image .*explain-base:1 changed: [0-9a-f]{12} → [0-9a-f]{12}$/);
  void store;
});

test('drydock build --explain prints the section; plain progress prints the reasons', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nARG N=1\nRUN echo $N\n' });
  await runDrydock(['build', '--progress=plain', ctx], { root });
  const r = await runDrydock(['build', '--progress=plain', '--explain', '--build-arg', 'N=2', ctx], { root });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /#\d+ not cached: build-arg\/ENV N changed: "1" → "2"/);
  assert.match(r.stderr, /why not cached:\n {2}\[stage-0\] RUN echo \$N\n {6}build-arg\/ENV N changed: "1" → "2"\n/);
  const again = await runDrydock(['build', '--progress=plain', '--explain', '--build-arg', 'N=2', ctx], { root });
  assert.match(again.stderr, /why not cached: every step came from the cache/);
});
