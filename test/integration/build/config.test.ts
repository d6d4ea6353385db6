import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import type { Store } from '../../../src/store/index.js';
import { storeWith, contextDir, imageFiles } from './util.js';

let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });

test('metadata instructions set the config as Docker does', async () => {
  const ctx = await contextDir({ Dockerfile: `
FROM busybox
ARG VERSION=1.2
ENV APP_HOME=/opt/app PATH=/opt/app/bin:$PATH
LABEL org.example.version=$VERSION maintainer="me"
EXPOSE 8080 53/udp
VOLUME ["/data"]
WORKDIR $APP_HOME
RUN mkdir bin && echo '#!/bin/sh' > bin/tool && chmod +x bin/tool
USER nobody:nogroup
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --retries=2 CMD ["tool"]
SHELL ["/bin/sh", "-ec"]
CMD ["serve"]
ENTRYPOINT ["/opt/app/bin/tool"]
` });
  await build({ context: ctx, root, tags: ['cfg:1'], labels: { 'from.cli': 'yes' } });
  const fs = await imageFiles(store, 'cfg:1');
  try {
    const c = fs.config.config!;
    assert.deepEqual(c.Env, ['PATH=/opt/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_HOME=/opt/app']);
    assert.deepEqual(c.Labels, { 'org.example.version': '1.2', maintainer: 'me', 'from.cli': 'yes' });
    assert.deepEqual(c.ExposedPorts, { '8080/tcp': {}, '53/udp': {} });
    assert.deepEqual(c.Volumes, { '/data': {} });
    assert.equal(c.WorkingDir, '/opt/app');
    assert.equal(c.User, 'nobody:nogroup');
    assert.equal(c.StopSignal, 'SIGTERM');
    assert.deepEqual(c.Healthcheck, { Test: ['CMD', 'tool'], Interval: 30e9, Timeout: 3e9, Retries: 2 });
    assert.deepEqual(c.Shell, ['/bin/sh', '-ec']);
    assert.deepEqual(c.Entrypoint, ['/opt/app/bin/tool']);
    // ENTRYPOINT clears only an inherited CMD: one set earlier in this stage stays (BuildKit's cmdSet).
    assert.deepEqual(c.Cmd, ['serve']);
  } finally { await fs.cleanup(); }
  const fs2 = await imageFiles(store, 'cfg:1');
  try {
    assert.ok((await stat(join(fs2.dir, 'opt/app/bin/tool'))).mode & 0o100);
    const h = fs2.config.history!.slice(-13);
    assert.deepEqual(h.map((e) => [e.created_by, !!e.empty_layer]), [
      ['ARG VERSION=1.2', true],
      ['ENV APP_HOME=/opt/app PATH=/opt/app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', true],
      ['LABEL org.example.version=1.2 maintainer=me', true],
      ['EXPOSE [53/udp 8080/tcp]', true], // current BuildKit prints a slice (20.10 printed a map)
      ['VOLUME [/data]', true],
      ['WORKDIR /opt/app', false],
      ["RUN |1 VERSION=1.2 /bin/sh -c mkdir bin && echo '#!/bin/sh' > bin/tool && chmod +x bin/tool # buildkit", false],
      ['USER nobody:nogroup', true],
      ['STOPSIGNAL SIGTERM', true],
      // current BuildKit's format (20.10 printed &{["CMD" "tool"] "30s" "3s" "0s" '\x02'})
      ['HEALTHCHECK {Test:[CMD tool] Interval:30s Timeout:3s StartPeriod:0s StartInterval:0s Retries:2}', true],
      ['SHELL [/bin/sh -ec]', true],
      ['CMD ["serve"]', true],
      ['ENTRYPOINT ["/opt/app/bin/tool"]', true],
    ]);
  } finally { await fs2.cleanup(); }
});

test('ENTRYPOINT resets an inherited CMD; WORKDIR after USER is owned by that user', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nENTRYPOINT ["echo"]\nUSER nobody\nWORKDIR /home/nobody/work\nRUN touch mine\n' });
  await build({ context: ctx, root, tags: ['cfg:2'] });
  const fs = await imageFiles(store, 'cfg:2');
  try {
    assert.equal(fs.config.config!.Cmd ?? null, null); // busybox's CMD ["sh"] is gone
    const st = await stat(join(fs.dir, 'home/nobody/work'));
    assert.equal(st.uid, 65534);
    assert.equal((await stat(join(fs.dir, 'home/nobody/work/mine'))).uid, 65534);
  } finally { await fs.cleanup(); }
});

test('ONBUILD triggers are stored, then run when a later build uses the image as its base', async () => {
  const parent = await contextDir({ Dockerfile: 'FROM busybox\nONBUILD COPY trigger.txt /triggered.txt\nONBUILD RUN echo ran > /onbuild-ran\n' });
  await build({ context: parent, root, tags: ['onbuild-parent:1'] });
  const pfs = await imageFiles(store, 'onbuild-parent:1');
  assert.deepEqual(pfs.config.config!.OnBuild, ['COPY trigger.txt /triggered.txt', 'RUN echo ran > /onbuild-ran']);
  await pfs.cleanup();
  const child = await contextDir({ Dockerfile: 'FROM onbuild-parent:1\nRUN cat /triggered.txt /onbuild-ran\n', 'trigger.txt': 'from child context\n' });
  await build({ context: child, root, tags: ['onbuild-child:1'] });
  const fs = await imageFiles(store, 'onbuild-child:1');
  try {
    assert.equal(await readFile(join(fs.dir, 'triggered.txt'), 'utf8'), 'from child context\n');
    assert.equal(await readFile(join(fs.dir, 'onbuild-ran'), 'utf8'), 'ran\n');
    assert.ok(!fs.config.config!.OnBuild?.length, 'triggers are consumed');
  } finally { await fs.cleanup(); }
});

test('SOURCE_DATE_EPOCH gives the same image digest from two separate stores', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo hi > /hi && mkdir -p /d/e\nCOPY f /d/f\n', f: 'x\n' });
  const other = await storeWith('busybox');
  const a = await build({ context: ctx, root, sourceDateEpoch: 1700000000 });
  const b = await build({ context: ctx, root: other.root, sourceDateEpoch: 1700000000 });
  assert.equal(a.manifestDigest, b.manifestDigest);
  assert.equal(a.config.created, '2023-11-14T22:13:20.000Z');
});
