/** BuildKit's parser conformance vectors, run through `drydock parse --dump` in-process. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { before, describe, it } from 'node:test';

// works from test/unit/dockerfile (tsx) and dist/test/unit/dockerfile (compiled)
const here = dirname(fileURLToPath(import.meta.url));
const root = here.includes('/dist/') ? join(here, '../../../..') : join(here, '../../..');
const fixtures = join(root, 'test/fixtures/buildkit-parser');

interface CliResult { code: number; stdout: string; stderr: string }

/** Runs the real CLI in a child process: compiled (bin/drydock.js) or from source via tsx. */
function runCli(args: string[]): Promise<CliResult> {
  const compiled = here.includes('/dist/');
  // Compiled: the bin itself, through its `#!` line, as users run it.
  const argv = compiled
    ? [join(root, 'bin/drydock.js'), ...args]
    : [process.execPath, '--import', 'tsx', '--input-type=module', '-e',
      `import { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))}; process.exitCode = await main(process.argv.slice(1));`, ...args];
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { cwd: root }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** Runs all cases up front, four at a time. */
async function runAll(cases: Array<[string, string[]]>): Promise<Map<string, CliResult>> {
  const out = new Map<string, CliResult>();
  const queue = [...cases];
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let c = queue.shift(); c; c = queue.shift()) out.set(c[0], await runCli(c[1]));
  }));
  return out;
}

describe('BuildKit parser conformance (drydock parse --dump)', () => {
  const positive = readdirSync(join(fixtures, 'testfiles')).sort();
  const negative = readdirSync(join(fixtures, 'testfiles-negative')).sort();
  let results = new Map<string, CliResult>();
  before(async () => {
    results = await runAll([
      ...positive.map((n): [string, string[]] => [n, ['parse', '--dump', join(fixtures, 'testfiles', n, 'Dockerfile')]]),
      ...negative.map((n): [string, string[]] => [`-${n}`, ['parse', '--dump', join(fixtures, 'testfiles-negative', n, 'Dockerfile')]]),
    ]);
  });
  it('has all 33 positive cases', () => assert.equal(positive.length, 33));
  for (const name of positive) {
    it(`parses ${name}`, () => {
      const dir = join(fixtures, 'testfiles', name);
      const res = results.get(name)!;
      assert.equal(res.stderr, '');
      assert.equal(res.code, 0);
      assert.equal(res.stdout, readFileSync(join(dir, 'result'), 'utf8'));
    });
  }

  const expected: Record<string, RegExp> = {
    empty_dockerfile: /^error: the Dockerfile \(.*Dockerfile\) cannot be empty\n$/,
    env_no_value: /^error: .*Dockerfile:3: ENV must have two arguments\n$/,
    only_comments: /^error: .*Dockerfile:3: file with no instructions\n$/,
    'shykes-nested-json': /^error: .*Dockerfile:1: when using JSON array syntax, arrays must be comprised of strings only\n$/,
  };
  it('has all 4 negative cases', () => assert.deepEqual(negative, Object.keys(expected).sort()));
  for (const name of negative) {
    it(`rejects ${name}`, () => {
      const res = results.get(`-${name}`)!;
      assert.equal(res.code, 1);
      assert.equal(res.stdout, '');
      assert.match(res.stderr, expected[name]!);
    });
  }
});
