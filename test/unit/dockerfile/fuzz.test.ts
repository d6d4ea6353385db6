/**
 * The frontend under a mutation fuzzer (issue 15, part 8): a few thousand seeded inputs made from
 * the parser vectors, the conformance corpus and the examples. Each must be accepted or rejected
 * with a `Dockerfile:LINE:` error; never an internal error, never a hang (each input is
 * time-limited in a worker). The long run is scripts/fuzz.sh (100,000 inputs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repoRoot } from '../../helpers/paths.js';
import { checkFrontend, readCorpus } from '../../fuzz/frontend.js';
import { fuzzInput, prng } from '../../fuzz/mutate.js';
import { runFuzz } from '../../fuzz/run.js';

const corpus = readCorpus(repoRoot);

test('the same seed makes the same input, and inputs differ from their seeds', () => {
  assert.equal(fuzzInput(corpus, 42), fuzzInput(corpus, 42));
  const r = prng(7);
  assert.notEqual(r(), r());
  const distinct = new Set(Array.from({ length: 200 }, (_, i) => fuzzInput(corpus, i)));
  assert.ok(distinct.size > 190, `${distinct.size} distinct inputs of 200`);
});

test('the checker tells accepted, located, internal and hanging inputs apart', async () => {
  assert.equal(checkFrontend('FROM busybox\nRUN true\n').kind, 'ok');
  const bad = checkFrontend('FROM busybox\nCOPPY a b\n');
  assert.equal(bad.kind, 'located');
  assert.match((bad as { message: string }).message, /^Dockerfile:2: /);
  assert.equal(checkFrontend('').kind, 'whole-file');
  const s = await runFuzz(['FROM busybox\n'], 1, 3);
  assert.equal(s.inputs, 2);
  // An input that takes longer than its limit is a finding, named by its seed (1 ms is less than
  // a worker needs to start, so the first seed is the one in flight).
  const slow = await runFuzz(corpus, 5, 1000, { perInputMs: 1 });
  assert.equal(slow.findings[0]?.verdict.kind, 'hang');
  assert.equal(slow.findings[0]?.seed, 5);
});

test('4,000 mutated Dockerfiles: each parses or gets one Dockerfile:LINE error', async () => {
  const s = await runFuzz(corpus, 1, 4001);
  const shown = s.findings.slice(0, 5).map((f) => `seed ${f.seed}: ${f.verdict.kind}: ${f.verdict.message}\n${f.input}`);
  assert.deepEqual(shown, [], `${s.findings.length} findings (bash scripts/fuzz.sh --from SEED --n 1 reproduces one)`);
  assert.equal(s.inputs, 4000);
  // Both outcomes occur, so the mutations neither break everything nor leave it all valid.
  assert.ok(s.accepted > 400 && s.rejected > 400, `${s.accepted} accepted, ${s.rejected} rejected`);
});
