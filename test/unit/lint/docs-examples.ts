/** Reading the examples of a docs/rules page and linting them (a `# .dockerignore:` comment block becomes the context's ignore file). */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatText, lint } from '../../../src/lint/index.js';
import { repoRoot } from '../../helpers/paths.js';

export interface DocPage {
  text: string;
  bad?: string;
  good?: string;
  /** The lines of the "Example finding" block. */
  finding?: string;
}

const block = (text: string, heading: string, lang: string): string | undefined =>
  new RegExp(`## ${heading}\\n\\n\`\`\`${lang}\\n([\\s\\S]*?)\`\`\`\\n`).exec(text)?.[1];

export async function docPage(rule: string): Promise<DocPage> {
  const text = await readFile(join(repoRoot, 'docs/rules', `${rule}.md`), 'utf8');
  return { text, bad: block(text, 'Bad', 'dockerfile'), good: block(text, 'Good', 'dockerfile'), finding: block(text, 'Example finding', 'text')?.trimEnd() };
}

/** The `drydock lint` lines for `rule` when linting `dockerfile`, and the lint error if any. */
export async function exampleFindings(rule: string, dockerfile: string): Promise<{ lines: string[]; error?: string }> {
  const ignore = /^# \.dockerignore:\n((?:#   .*\n)+)/.exec(dockerfile);
  let context: string | undefined;
  if (ignore) {
    context = await mkdtemp(join(tmpdir(), 'drydock-lint-doc-'));
    await writeFile(join(context, '.dockerignore'), ignore[1]!.replace(/^#   /gm, ''));
  }
  try {
    const res = await lint({ dockerfileText: dockerfile, root: false, ...(context ? { context } : {}) });
    const only = { ...res, findings: res.findings.filter((f) => f.rule === rule) };
    const lines = formatText(only).trimEnd().split('\n').slice(0, only.findings.length);
    return { lines, ...(res.error ? { error: res.error.message } : {}) };
  } finally {
    if (context) await rm(context, { recursive: true, force: true });
  }
}
