import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, utimes, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import { storeWith, contextDir, executedSteps } from './util.js';

let root: string;
before(async () => { ({ root } = await storeWith('busybox')); });

// The seed's layer-order advice: the dependency manifest is copied and "installed" before the rest.
const dockerfile = `
FROM busybox AS builder
WORKDIR /src
COPY deps.txt ./
RUN cp deps.txt /installed-deps.txt
COPY . .
RUN cat main.txt > /out.txt
LABEL stage=builder
FROM busybox
COPY --from=builder /out.txt /out.txt
`;

test('no-op rebuild executes nothing and gives the same image', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile, 'deps.txt': 'dep1\n', 'main.txt': 'v1\n' });
  const first = await build({ context: ctx, root, tags: ['c:1'] });
  assert.equal(executedSteps(first.events).length, 6);
  const second = await build({ context: ctx, root, tags: ['c:1'] });
  assert.deepEqual(executedSteps(second.events), []);
  assert.equal(second.imageId, first.imageId);
  assert.equal(second.manifestDigest, first.manifestDigest);
  assert.deepEqual(second.report.stages.map((s) => s.cachedSteps), [5, 1]);

  // mtime alone is not a change
  await utimes(join(ctx, 'main.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  assert.deepEqual(executedSteps((await build({ context: ctx, root })).events), []);

  // one source file changes: only the steps after the COPY that includes it run again
  await writeFile(join(ctx, 'main.txt'), 'v2\n');
  const third = await build({ context: ctx, root, tags: ['c:2'] });
  assert.deepEqual(executedSteps(third.events), ['builder COPY . .', 'builder RUN cat main.txt > /out.txt', 'stage-1 COPY --from=builder /out.txt /out.txt']);
  assert.notEqual(third.imageId, first.imageId);

  // a mode change is a change
  await chmod(join(ctx, 'main.txt'), 0o600);
  assert.ok(executedSteps((await build({ context: ctx, root })).events).includes('builder COPY . .'));

  // the dependency manifest changes: everything from its COPY on
  await writeFile(join(ctx, 'deps.txt'), 'dep2\n');
  assert.equal(executedSteps((await build({ context: ctx, root })).events).length, 5);
});

test('a LABEL does not invalidate the RUN after it; an ENV does', async () => {
  const base = (label: string, env: string) => `FROM busybox\nLABEL v=${label}\nENV E=${env}\nRUN echo $E > /e.txt\n`;
  const ctx = await contextDir({ Dockerfile: base('1', 'a') });
  await build({ context: ctx, root });
  await writeFile(join(ctx, 'Dockerfile'), base('2', 'a'));
  assert.deepEqual(executedSteps((await build({ context: ctx, root })).events), []);
  await writeFile(join(ctx, 'Dockerfile'), base('2', 'b'));
  assert.deepEqual(executedSteps((await build({ context: ctx, root })).events), ['stage-0 RUN echo $E > /e.txt']);
});

test('--no-cache runs everything; --no-cache-filter only the named stage', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile, 'deps.txt': 'd\n', 'main.txt': 'm\n' });
  await build({ context: ctx, root });
  assert.equal(executedSteps((await build({ context: ctx, root, noCache: true })).events).length, 6);
  const filtered = executedSteps((await build({ context: ctx, root, noCacheFilter: ['builder'] })).events);
  assert.equal(filtered.filter((s) => s.startsWith('builder')).length, 5);
});

test('build args change the key of the steps that use them', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nARG V=1\nRUN echo $V > /v.txt\nRUN echo second\n' });
  await build({ context: ctx, root });
  assert.deepEqual(executedSteps((await build({ context: ctx, root, buildArgs: { V: '1' } })).events), []);
  assert.equal(executedSteps((await build({ context: ctx, root, buildArgs: { V: '2' } })).events).length, 2);
});
