/**
 * The long fuzz run (scripts/fuzz.sh): `--n` seeded inputs from `--from`, in `--jobs` workers.
 * Prints the figures docs/reliability.md quotes and each finding with its seed; exits 1 on any.
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { repoRoot } from '../helpers/paths.js';
import { readCorpus } from './frontend.js';
import { runFuzz, type FuzzSummary } from './run.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '100000' }, from: { type: 'string', default: '1' }, jobs: { type: 'string' } } });
const n = Number(values.n);
const from = Number(values.from);
const jobs = Math.max(1, Number(values.jobs ?? availableParallelism()));
const corpus = readCorpus(repoRoot);
const started = Date.now();
const per = Math.ceil(n / jobs);
const parts: FuzzSummary[] = await Promise.all(
  Array.from({ length: jobs }, (_, j) => runFuzz(corpus, from + j * per, Math.min(from + n, from + (j + 1) * per))),
);
const inputs = parts.reduce((a, p) => a + p.inputs, 0);
const accepted = parts.reduce((a, p) => a + p.accepted, 0);
const findings = parts.flatMap((p) => p.findings);
process.stdout.write(`fuzz: ${inputs} inputs from ${corpus.length} seed Dockerfiles (seeds ${from}..${from + n - 1}), ${accepted} accepted, ${inputs - accepted - findings.length} rejected with file:line, ${findings.length} findings, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
for (const f of findings) process.stdout.write(`\nseed ${f.seed}: ${f.verdict.kind}: ${f.verdict.message}\n--- input ---\n${f.input}\n-------------\n`);
process.exitCode = findings.length ? 1 : 0;
