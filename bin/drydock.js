#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS DRYDOCK_NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
/**
 * The `drydock` command. Node 20 spends ~100 ms resolving, reading and compiling the CLI's ES
 * modules on every start, so this file (CommonJS: bin/package.json) runs the CLI bundled in one
 * script, dist/bundle/drydock.cjs (scripts/bundle.cjs), through vm.Script with a V8 code cache:
 * the compiled functions of an earlier run of the same command, keyed by the bundle's content
 * hash, V8's version and the architecture (V8 also rejects a cache made with other flags).
 * Caches live beside the bundle, or under $XDG_CACHE_HOME/drydock (~/.cache/drydock) when that
 * is read-only; a missing, rejected or unwritable cache only costs time.
 *
 * Without a bundle, or with one older than the last tsc output (dist/.tsbuildinfo) that cannot
 * be rebuilt here, or with DRYDOCK_NO_BUNDLE=1, it imports the modules (dist/src/cli/run.js).
 *
 * The `#!` line starts Node without NODE_EXTRA_CA_CERTS, passing its value on as
 * DRYDOCK_NODE_EXTRA_CA_CERTS: Node 20 parses that file while it starts (~50 ms for Debian's CA
 * bundle, before any of this runs), and drydock reads it only when a TLS connection needs it
 * (src/util/tls-trust.ts). `env -S` is GNU coreutils 8.30+ (and BSD) env's.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const bundleFile = path.join(root, 'dist', 'bundle', 'drydock.cjs');
const HEADER = '// drydock bundle ';

/** True when dist/bundle/drydock.cjs is there and was made from the current dist/. */
async function freshBundle() {
  const bundle = fs.statSync(bundleFile, { throwIfNoEntry: false });
  const tsc = fs.statSync(path.join(root, 'dist', '.tsbuildinfo'), { throwIfNoEntry: false });
  if (bundle && (!tsc || bundle.mtimeMs >= tsc.mtimeMs)) return true;
  // A source checkout where tsc ran since: bundle again, once (esbuild is a devDependency).
  if (!tsc) return false;
  try {
    await require(path.join(root, 'scripts', 'bundle.cjs')).bundle({ quiet: true });
    return true;
  } catch {
    return false;
  }
}

/** The subcommand word in argv, as src/cli/main.ts finds it (after --root DIR, --debug), if any. */
function commandWord(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') { i++; continue; }
    if (argv[i] === '--debug') continue;
    return /^[a-z]{1,20}$/.test(argv[i]) ? argv[i] : undefined;
  }
  return undefined;
}

/** Directories that may hold code caches: beside the bundle, then the user's cache. */
function cacheDirs() {
  const home = process.env.HOME || require('node:os').homedir();
  const user = path.join(process.env.XDG_CACHE_HOME || path.join(home, '.cache'), 'drydock');
  return [path.dirname(bundleFile), user];
}

/** The first cache file among `names` in `dirs` that exists: [name, bytes]. */
function readCache(dirs, names) {
  for (const name of names) {
    for (const dir of dirs) {
      try {
        return [name, fs.readFileSync(path.join(dir, name))];
      } catch { /* next */ }
    }
  }
  return [undefined, undefined];
}

/** Writes a cache file atomically into the first directory that takes it; drops older bundles' caches there. */
function writeCache(dirs, name, data, prefix) {
  for (const dir of dirs) {
    const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, path.join(dir, name));
      for (const f of fs.readdirSync(dir)) {
        if (f.endsWith('.cache') && /^[0-9a-f]{32}-/.test(f) && !f.startsWith(prefix)) fs.rmSync(path.join(dir, f), { force: true });
      }
      return true;
    } catch {
      try { fs.rmSync(tmp, { force: true }); } catch { /* not ours to clean */ }
    }
  }
  return false;
}

/** Runs the bundle's runCli(argv) from a code cache, and leaves a cache for the next run when it had none. */
function runBundle(argv) {
  const vm = require('node:vm');
  const { createRequire } = require('node:module');
  // The bundle is ASCII (esbuild's charset), so latin1 is the cheapest exact decoding.
  const source = fs.readFileSync(bundleFile, 'latin1');
  const hash = source.slice(HEADER.length, source.indexOf('\n'));
  const prefix = `${hash}-${process.versions.v8}-${process.arch}-`;
  const word = commandWord(argv);
  const dirs = cacheDirs();
  const names = word ? [`${prefix}${word}.cache`, `${prefix}other.cache`] : [`${prefix}other.cache`];
  const [used, cachedData] = readCache(dirs, names);
  // scripts/bundle.cjs wrote it as a function of (exports, require, module, __filename, __dirname).
  const script = new vm.Script(source, {
    filename: bundleFile,
    cachedData,
    // scripts/bundle.cjs turns import() into require(); should one slip through, Node's loader takes it.
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(bundleFile), mod, bundleFile, path.dirname(bundleFile));
  const cli = mod.exports;
  // A known command gets its own cache (its functions compiled); anything else shares one.
  const target = `${prefix}${word && cli.commandNames.includes(word) ? word : 'other'}.cache`;
  if (used !== target || script.cachedDataRejected) {
    // At exit the functions this run needed are compiled, so they are in the cache.
    process.once('exit', () => writeCache(dirs, target, script.createCachedData(), prefix));
  }
  return cli.runCli(argv);
}

async function start(argv) {
  if (process.env.DRYDOCK_NO_BUNDLE !== '1' && await freshBundle()) return runBundle(argv);
  return import(require('node:url').pathToFileURL(path.join(root, 'dist', 'src', 'cli', 'run.js')).href);
}

if (require.main === module) {
  start(process.argv.slice(2));
} else {
  module.exports = { commandWord, readCache, writeCache, freshBundle, bundleFile };
}
