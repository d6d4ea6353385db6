#!/usr/bin/env node
/**
 * Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, tsc's output) into
 * one CommonJS script, dist/bundle/drydock.cjs, which bin/drydock.js runs with a V8 code cache:
 * Node 20 resolves, reads and compiles each of ~150 ES modules on every start, a bundle is one
 * file and its compiled code comes back from the cache. Dynamic imports become lazy module
 * initialisers, so a command still runs only the code it needs.
 *
 *   node scripts/bundle.cjs     (run by `npm run build` and scripts/setup.sh, after tsc)
 *
 * CommonJS so that bin/drydock.js can call bundle() when tsc ran after the last bundle.
 */
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Where the bundle goes, and the first line that names its content hash. */
const bundleFile = path.join(root, 'dist', 'bundle', 'drydock.cjs');
const HEADER = '// drydock bundle ';
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) {', '\n})'];

/**
 * esbuild leaves `import('node:fs')` (a builtin, or an external package) as it is, and an
 * import() in a vm.Script needs Node's ES module loader. Such imports load through require()
 * instead, wrapped as a namespace (named exports and `default`), as import() would give.
 */
const requireDynamicExternals = {
  name: 'require-dynamic-externals',
  setup(build) {
    const { builtinModules } = require('node:module');
    const external = new Set([...builtinModules, 'undici']);
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !external.has(args.path.replace(/^node:/, ''))) return undefined;
      return { path: args.path, namespace: 'require-dynamic' };
    });
    // undici's package entry (ADD's fetch) stays in node_modules; the files the registry client
    // names (undici/lib/...) are bundled.
    build.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', external: true }));
    build.onLoad({ filter: /.*/, namespace: 'require-dynamic' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Built-in modules a command often does not touch, but that cost start-up time when required:
 * child_process alone (with net, dgram and the streams it pulls in) is ~6 ms, and commander
 * requires it at the top for executable subcommands, which drydock does not use. In the bundle,
 * each of these (and LAZY_PACKAGES, native code left in node_modules) is an object of getters
 * over its exports: the module loads on first use of one.
 * Values are the module's own, so identity and `instanceof` hold; a class extended at a module's
 * top level simply loads it then.
 */
const LAZY_BUILTINS = ['child_process', 'net', 'zlib', 'readline', 'readline/promises', 'stream', 'stream/promises', 'dns', 'http', 'https', 'tls'];
/** Packages left in node_modules (native code) and loaded the same way, on first use. */
const LAZY_PACKAGES = ['@napi-rs/xattr', 'koffi'];

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    const escape = (m) => m.replace(/[/@.-]/g, (c) => `\\${c}`);
    const filter = new RegExp(`^((node:)?(${LAZY_BUILTINS.map(escape).join('|')})|${LAZY_PACKAGES.map(escape).join('|')})$`);
    build.onResolve({ filter }, (args) => {
      if (args.kind !== 'import-statement' && args.kind !== 'require-call') return undefined;
      // The getters' own require() is the real module.
      if (args.namespace === 'lazy-builtin') return { path: args.path, external: true };
      return { path: LAZY_PACKAGES.includes(args.path) ? args.path : `node:${args.path.replace(/^node:/, '')}`, namespace: 'lazy-builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const id = JSON.stringify(args.path);
      const names = Object.keys(require(args.path));
      return {
        contents: `let m;\nconst load = () => (m ??= require(${id}));\n`
          + `for (const k of ${JSON.stringify(names)}) Object.defineProperty(module.exports, k, { enumerable: true, get: () => load()[k] });\n`,
        loader: 'js',
      };
    });
  },
};

/**
 * Writes the bundle (atomically: a concurrent reader sees the old or the new file, whole).
 * Returns its content hash, which keys the code caches made from it.
 */
async function bundle({ quiet = false, outFile = bundleFile } = {}) {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'dist', 'src', 'cli', 'main.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // undici's package entry (ADD's fetch) stays in node_modules. The registry client's undici
    // parts (its Pool and Agent, named by path) are bundled: requiring them from node_modules cost
    // a cache export ~23 ms of module loading; bundled, they come from the code cache and load
    // only when a command makes a registry request (dynamic import).
    external: [...LAZY_PACKAGES],
    plugins: [requireDynamicExternals, lazyBuiltins],
    write: false,
    logLevel: quiet ? 'silent' : 'error',
    legalComments: 'none',
    // ASCII only (non-ASCII characters escaped): bin/drydock.js decodes it as latin1.
    charset: 'ascii',
  });
  const code = result.outputFiles[0].text;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 32);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  // Already wrapped as CommonJS wraps a module, so that the loader compiles the file as it is.
  fs.writeFileSync(tmp, `${HEADER}${hash}\n${WRAPPER[0]}${code}${WRAPPER[1]}`);
  fs.renameSync(tmp, outFile);
  return hash;
}

module.exports = { bundle, bundleFile, HEADER };

if (require.main === module) {
  bundle().catch(() => {
    process.exitCode = 1; // esbuild has printed why
  });
}
