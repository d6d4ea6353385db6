import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { catalog, lint, type LintOptions, type LintResult } from '../../../src/lint/index.js';
import { cases, type RuleCase } from './cases.js';

const dirs: string[] = [];
after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

async function run(c: RuleCase, text: string): Promise<LintResult> {
  const opts: LintOptions = { dockerfileText: text, root: false, buildArgs: c.buildArgs ?? {} };
  if (c.context) {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-lint-'));
    dirs.push(dir);
    for (const [name, data] of Object.entries(c.context)) await writeFile(join(dir, name), data);
    opts.context = dir;
  }
  const res = await lint(opts);
  assert.equal(res.error, undefined, `unexpected error: ${res.error?.message}`);
  return res;
}

describe('lint rules: one Dockerfile per rule', () => {
  it('covers every rule of the catalog except InvalidBaseImagePlatform (needs a store: integration test)', () => {
    const covered = new Set(cases.map((c) => c.rule));
    assert.deepEqual(catalog.map((r) => r.name).filter((n) => !covered.has(n)), ['InvalidBaseImagePlatform']);
  });
  for (const c of cases) {
    describe(c.rule, () => {
      it('fires', async () => {
        const res = await run(c, c.fires);
        const found = res.findings.filter((f) => f.rule === c.rule);
        assert.equal(found.length, 1, JSON.stringify(res.findings, null, 1));
        assert.equal(found[0]!.line, c.line);
        assert.ok(found[0]!.message.includes(c.message), found[0]!.message);
        const def = catalog.find((r) => r.name === c.rule)!;
        assert.equal(found[0]!.severity, def.origin === 'drydock' ? 'info' : 'warning');
        assert.equal(found[0]!.url, def.url);
      });
      it('does not fire on the fixed Dockerfile', async () => {
        const res = await run(c, c.clean);
        assert.deepEqual(res.findings.filter((f) => f.rule === c.rule), []);
      });
      it(c.experimental ? 'is off unless opted in' : 'is skipped by # check=skip=', async () => {
        const text = c.experimental ? c.fires.replace(/^# check=.*\n/, '') : `# check=skip=${c.rule}\n${c.fires}`;
        const res = await run(c, text);
        assert.deepEqual(res.findings.filter((f) => f.rule === c.rule), []);
      });
    });
  }
});
