import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../../helpers/paths.js';

// The registry client loads undici's Agent and request API only, not its index (fetch, WebSocket,
// mocks): that compile cost ~0.2 s on every pull, push and cache export (docs/benchmarks.md).
test('the registry client does not load all of undici', () => {
  const script = `
    const { createRequire } = await import('node:module');
    const { RegistryClient } = await import('./src/registry/index.ts');
    const { dispatcher } = await import('./src/registry/http.ts');
    const loaded = Object.keys(createRequire(import.meta.url)('node:module')._cache);
    console.log(JSON.stringify({ client: typeof RegistryClient, request: typeof dispatcher(true).request,
      index: loaded.some((f) => /undici[\\\\/]index\\.js$/.test(f)), agent: loaded.some((f) => /undici[\\\\/]lib[\\\\/]dispatcher[\\\\/]agent\\.js$/.test(f)) }));`;
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, env, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { client: 'function', request: 'function', index: false, agent: true });
});
