/**
 * docs/rules: one page per rule with a bad and a good example, and the examples are true:
 * linting "Bad" reports the rule as the page's "Example finding" shows, "Good" does not.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { catalog } from '../../../src/lint/index.js';
import { repoRoot } from '../../helpers/paths.js';
import { docPage, exampleFindings } from './docs-examples.js';

describe('docs/rules', () => {
  it('README lists every rule with its page', async () => {
    const readme = await readFile(join(repoRoot, 'docs/rules/README.md'), 'utf8');
    for (const r of catalog) assert.ok(readme.includes(`[${r.name}](${r.name}.md)`), r.name);
  });
  for (const rule of catalog) {
    it(`${rule.name}: page with bad and good examples that hold`, async () => {
      const page = await docPage(rule.name);
      assert.match(page.text, new RegExp(`^# ${rule.name}\n`));
      assert.ok(page.bad && page.good, 'has ## Bad and ## Good examples');
      if (rule.name === 'InvalidBaseImagePlatform') return; // needs an image in a store: test/integration/lint
      const bad = await exampleFindings(rule.name, page.bad!);
      assert.ok(bad.lines.length > 0, 'the bad example reports the rule');
      assert.equal(page.finding, bad.lines.join('\n'), 'the example finding is what lint prints');
      // only InvalidDefaultArgInFrom's bad example cannot build without a --build-arg
      assert.equal(bad.error !== undefined, rule.name === 'InvalidDefaultArgInFrom', bad.error);
      assert.deepEqual(await exampleFindings(rule.name, page.good!), { lines: [] }, 'the good example lints clean of it');
    });
  }
});
