import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { repoRoot, runningFromSource } from '../../helpers/paths.js';

const stdioModule = pathToFileURL(path.join(repoRoot, runningFromSource ? 'src/cli/stdio.ts' : 'dist/src/cli/stdio.js')).href;
const tsx = runningFromSource ? ['--import', pathToFileURL(createRequire(path.join(repoRoot, 'package.json')).resolve('tsx')).href] : [];

/** Runs `body` (ES module code with quietOnEpipe and writeStdout in scope) in a child Node. */
function child(body: string, opts: { closeEarly?: boolean } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const code = `import { quietOnEpipe, writeStdout } from ${JSON.stringify(stdioModule)};\n${body}`;
  const p = spawn(process.execPath, [...tsx, '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  p.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (opts.closeEarly) p.stdout.destroy(); // the reader goes away, as `| head` does
  });
  return new Promise((resolve) => p.on('close', (c) => resolve({ code: c, stdout, stderr })));
}

describe('standard streams (cli/stdio)', () => {
  it('writeStdout writes to fd 1, in order with process.stdout, without creating stderr', async () => {
    const r = await child(`quietOnEpipe(); process.stdout.write('a\\n'); writeStdout('b\\n'); process.stdout.write('c\\n');
      const d = Object.getOwnPropertyDescriptor(process, 'stderr'); writeStdout(String(d.configurable) + '\\n');`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'a\nb\nc\ntrue\n');
  });

  it('a reader that goes away ends the command quietly with 0 (EPIPE), whichever way it writes', async () => {
    for (const write of ['process.stdout.write(line)', 'writeStdout(line)']) {
      const r = await child(`quietOnEpipe(); const line = 'x'.repeat(1000) + '\\n';
        for (let i = 0; i < 100000; i++) { ${write}; if (i % 100 === 0) await new Promise((res) => setImmediate(res)); }
        process.exitCode = 3;`, { closeEarly: true });
      assert.equal(r.code, 0, `${write}: ${r.stderr}`);
      assert.equal(r.stderr, '');
    }
  });
});
