/**
 * A sample of the fuzzer's inputs through the real CLI (`drydock parse -`): exit 0 with the plan,
 * or exit 1 with one line on stderr that names `Dockerfile:LINE` (or the whole file), and no
 * internal error or stack trace (issue 15, part 8; the in-process run is test/unit/dockerfile/fuzz.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDrydock } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/paths.js';
import { checkFrontend, readCorpus } from '../../fuzz/frontend.js';
import { fuzzInput } from '../../fuzz/mutate.js';

test('mutated Dockerfiles through `drydock parse`: a plan, or one Dockerfile:LINE line', async () => {
  const corpus = readCorpus(repoRoot);
  let rejected = 0;
  for (let seed = 1; seed <= 24; seed++) {
    const input = fuzzInput(corpus, seed);
    const r = await runDrydock(['parse', '-'], { input });
    const expected = checkFrontend(input).kind;
    const where = `seed ${seed}: ${r.stderr}\n--- input ---\n${input}`;
    assert.doesNotMatch(r.stderr, /internal error|^\s+at /m, where);
    if (expected === 'ok') {
      assert.equal(r.code, 0, where);
      assert.ok(JSON.parse(r.stdout).plan, where);
      continue;
    }
    rejected++;
    assert.equal(r.code, 1, where);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, where);
    assert.match(lines[0]!, expected === 'whole-file' ? /Dockerfile/ : /Dockerfile:\d+: /, where);
  }
  assert.ok(rejected > 0 && rejected < 24, `${rejected} of 24 rejected`);
});
