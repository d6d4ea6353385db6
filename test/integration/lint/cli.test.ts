/** `drydock lint` as a user runs it: the real CLI in a child process, on real directories. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runDrydock } from '../../helpers/cli.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

async function context(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-lint-ctx-'));
  dirs.push(dir);
  for (const [name, data] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), data);
  }
  return dir;
}

describe('drydock lint', () => {
  it('prints file:line findings and exits 0 on warnings', async () => {
    const root = await tmpStoreRoot();
    const dir = await context({ Dockerfile: 'FROM busybox:1.36 as base\nCMD echo hi\n' });
    const r = await runDrydock(['lint'], { root, cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      "Dockerfile:1: warning: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (https://docs.docker.com/go/dockerfile/rule/from-as-casing/)",
      'Dockerfile:2: warning: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (https://docs.docker.com/go/dockerfile/rule/json-args-recommended/)',
      '2 findings: 2 warnings',
      '',
    ].join('\n'));
  });

  it('--format json, -f PATH and a context argument (CopyIgnoredFile reads its .dockerignore)', async () => {
    const root = await tmpStoreRoot();
    const dir = await context({
      'docker/app.Dockerfile': 'FROM busybox:1.36\nCOPY secrets/ /s/\nCOPY main.txt /\n',
      '.dockerignore': 'secrets\n', 'secrets/k': 'k', 'main.txt': 'm',
    });
    const file = join(dir, 'docker/app.Dockerfile');
    const r = await runDrydock(['lint', '--format', 'json', '-f', file, dir], { root });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      findings: [{
        rule: 'CopyIgnoredFile', severity: 'warning', message: 'Attempting to Copy file "secrets" that is excluded by .dockerignore',
        file, line: 2, url: 'https://docs.docker.com/go/dockerfile/rule/copy-ignored-file/',
      }],
    });
    // <Dockerfile>.dockerignore wins over the context's
    await writeFile(`${file}.dockerignore`, 'main.txt\n');
    const r2 = await runDrydock(['lint', '--format', 'json', '-f', file, dir], { root });
    assert.deepEqual(JSON.parse(r2.stdout).findings.map((f: { line: number }) => f.line), [3]);
  });

  it('# check=error=true makes warnings fail with exit 1', async () => {
    const root = await tmpStoreRoot();
    const dir = await context({ Dockerfile: '# check=error=true\nFROM busybox:1.36\nCMD echo hi\n' });
    const r = await runDrydock(['lint', dir], { root });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Dockerfile:3: error: JSONArgsRecommended: /);
    assert.match(r.stdout, /1 finding: 1 error; lint violation found for rules: JSONArgsRecommended\n$/);
    const skipped = await runDrydock(['lint', '--build-arg', 'BUILDKIT_DOCKERFILE_CHECK=skip=JSONArgsRecommended;error=true', dir], { root });
    assert.equal(skipped.code, 0, skipped.stdout);
    assert.equal(skipped.stdout, 'no findings\n');
  });

  it('reads the Dockerfile from stdin with -f -, and exits 1 when it does not parse', async () => {
    const root = await tmpStoreRoot();
    const dir = await context({});
    const ok = await runDrydock(['lint', '-f', '-', dir], { root, input: 'FROM busybox:1.36\nWORKDIR app\n' });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^Dockerfile:2: warning: WorkdirRelativePath: Relative workdir "app"/);
    const bad = await runDrydock(['lint', '-f', '-', dir], { root, input: 'FROM busybox:1.36\nCOPPY a b\n' });
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, 'Dockerfile:2: error: unknown instruction "COPPY" (did you mean "COPY"?)\ncheck failed\n');
    const missing = await runDrydock(['lint', join(dir, 'nope')], { root });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error: failed to read Dockerfile: open .*nope\/Dockerfile: no such file or directory/);
  });
});
