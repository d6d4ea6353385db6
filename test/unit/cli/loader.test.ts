/**
 * bin/drydock.js: the bundle with its V8 code cache, and the fall-back to the ES modules.
 * The end-to-end cases lay out a copy of the package in a temp dir (bin/, dist/bundle/, dist/src
 * linked) so they never touch the repository's own bundle or caches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../helpers/paths.js';
import { commandNames } from '../../../src/cli/main.js';

const require = createRequire(import.meta.url);
const loader = require(path.join(repoRoot, 'bin', 'drydock.js')) as {
  commandWord(argv: string[]): string | undefined;
  readCache(dirs: string[], names: string[]): [string | undefined, Buffer | undefined];
  writeCache(dirs: string[], name: string, data: Buffer, prefix: string): boolean;
};
const bundler = require(path.join(repoRoot, 'scripts', 'bundle.cjs')) as { bundle(o: { quiet?: boolean; outFile?: string }): Promise<string> };

const HASH = 'ab'.repeat(16);

test('the command word is found as main.ts finds it, after --root DIR', () => {
  assert.equal(loader.commandWord(['--root', '/r', 'build', '-q', '.']), 'build');
  assert.equal(loader.commandWord(['images']), 'images');
  assert.equal(loader.commandWord(['--version']), undefined);
  assert.equal(loader.commandWord(['--root=/r', 'build']), undefined);
  assert.equal(loader.commandWord(['../x']), undefined);
  assert.equal(loader.commandWord([]), undefined);
});

test('main.ts names every command and alias the loader may key a cache by', () => {
  for (const name of ['build', 'images', 'rm', 'rmi', 'report']) assert.ok(commandNames.includes(name), name);
});

test('a cache is written atomically to the first directory that takes it, and older bundles\' caches go', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'drydock-loader-'));
  try {
    const notADir = path.join(dir, 'file');
    writeFileSync(notADir, 'x');
    const user = path.join(dir, 'user', 'drydock');
    mkdirSync(user, { recursive: true });
    writeFileSync(path.join(user, `${'cd'.repeat(16)}-v8-x64-build.cache`), 'old bundle');
    writeFileSync(path.join(user, 'unrelated.cache'), 'kept');
    const prefix = `${HASH}-v8-x64-`;
    assert.equal(loader.writeCache([notADir, user], `${prefix}build.cache`, Buffer.from('code'), prefix), true);
    assert.deepEqual(readdirSync(user).sort(), [`${prefix}build.cache`, 'unrelated.cache']);
    assert.deepEqual(loader.readCache([notADir, user], [`${prefix}images.cache`, `${prefix}build.cache`]), [`${prefix}build.cache`, Buffer.from('code')]);
    assert.deepEqual(loader.readCache([user], [`${prefix}images.cache`]), [undefined, undefined]);
    assert.equal(loader.writeCache([notADir], `${prefix}build.cache`, Buffer.from('code'), prefix), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Run { code: number; stdout: string; stderr: string }
function node(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const e: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete e.NODE_OPTIONS;
    execFile(process.execPath, args, { env: e }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const compiled = existsSync(path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'));

test('a packaged copy runs from its bundle, caches per command, survives a bad cache, and falls back when stale', { skip: !compiled && 'needs the compiled dist/' }, async () => {
  const pkg = mkdtempSync(path.join(tmpdir(), 'drydock-loader-pkg-'));
  try {
    cpSync(path.join(repoRoot, 'bin'), path.join(pkg, 'bin'), { recursive: true });
    mkdirSync(path.join(pkg, 'dist'));
    symlinkSync(path.join(repoRoot, 'dist', 'src'), path.join(pkg, 'dist', 'src'));
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(pkg, 'node_modules'));
    const bundleDir = path.join(pkg, 'dist', 'bundle');
    const hash = await bundler.bundle({ quiet: true, outFile: path.join(bundleDir, 'drydock.cjs') });
    // Dynamic imports of builtins and externals became require(): no ES module loader in a vm.Script
    // (bundled undici's JSDoc names types with import('...'): comment lines are not code).
    assert.doesNotMatch(readFileSync(path.join(bundleDir, 'drydock.cjs'), 'latin1'), /^(?!\s*(\*|\/\/)).*\bimport\(["']/m);
    const cli = path.join(pkg, 'bin', 'drydock.js');
    const env = { XDG_CACHE_HOME: path.join(pkg, 'xdg') };
    const caches = () => readdirSync(bundleDir).filter((f) => f.endsWith('.cache')).sort();

    const modules = await node([path.join(repoRoot, 'dist', 'src', 'cli', 'run.js'), '--version'], env);
    const first = await node([cli, '--version'], env);
    assert.deepEqual(first, modules);
    assert.deepEqual(caches(), [`${hash}-${process.versions.v8}-${process.arch}-other.cache`]);

    // Same output for help and errors; `build` gets its own cache, made by its first run.
    for (const args of [['--help'], ['bogus'], ['build', '--help'], ['build']]) {
      assert.deepEqual(await node([cli, ...args], env), await node([path.join(repoRoot, 'dist', 'src', 'cli', 'run.js'), ...args], env), args.join(' '));
    }
    const buildCache = path.join(bundleDir, `${hash}-${process.versions.v8}-${process.arch}-build.cache`);
    assert.ok(existsSync(buildCache));

    // An accepted cache is left as it is; a rejected one is replaced.
    const before = statSync(buildCache).ino;
    await node([cli, 'build', '--help'], env);
    assert.equal(statSync(buildCache).ino, before);
    writeFileSync(buildCache, 'not a code cache');
    assert.equal((await node([cli, 'build', '--help'], env)).code, 0);
    assert.notEqual(readFileSync(buildCache, 'latin1'), 'not a code cache');

    // tsc ran after the bundle and nothing here can bundle again: the modules run instead.
    writeFileSync(path.join(pkg, 'dist', '.tsbuildinfo'), '{}');
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(pkg, 'dist', '.tsbuildinfo'), later, later);
    rmSync(buildCache);
    assert.equal((await node([cli, 'build', '--help'], env)).code, 0);
    assert.ok(!existsSync(buildCache), 'the stale bundle ran');
    assert.deepEqual(await node([cli, '--version'], { ...env, DRYDOCK_NO_BUNDLE: '1' }), modules);
  } finally {
    rmSync(pkg, { recursive: true, force: true });
  }
});

test('the bundle carries the undici files the registry client names; undici\'s entry (ADD\'s fetch) stays in node_modules', { skip: !compiled && 'needs the compiled dist/' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'drydock-loader-undici-'));
  try {
    await bundler.bundle({ quiet: true, outFile: path.join(dir, 'drydock.cjs') });
    const code = readFileSync(path.join(dir, 'drydock.cjs'), 'latin1');
    // From the code cache, not compiled from node_modules on every cache export and push.
    assert.match(code, /"node_modules\/undici\/lib\/dispatcher\/agent\.js"/);
    assert.match(code, /"node_modules\/undici\/lib\/api\/index\.js"/);
    // fetch, WebSocket and the rest are not bundled: the package entry is required when ADD fetches.
    assert.doesNotMatch(code, /"node_modules\/undici\/index\.js"/);
    assert.match(code, /require\("undici"\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
