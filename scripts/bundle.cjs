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
 * CommonJS so that bin/drydock.js can call bundleSync() when tsc ran after the last bundle.
 */
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Where the bundle goes, and the first line that names its content hash. */
const bundleFile = path.join(root, 'dist', 'bundle', 'drydock.cjs');
const HEADER = '// drydock bundle ';

/**
 * Writes the bundle (atomically: a concurrent reader sees the old or the new file, whole).
 * Returns its content hash, which keys the code caches made from it.
 */
function bundleSync({ quiet = false, outFile = bundleFile } = {}) {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [path.join(root, 'dist', 'src', 'cli', 'main.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The registry client is half the bytes and only push/pull/login need it: it loads from
    // node_modules when they do.
    external: ['undici'],
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
  fs.writeFileSync(tmp, `${HEADER}${hash}\n${code}`);
  fs.renameSync(tmp, outFile);
  return hash;
}

module.exports = { bundleSync, bundleFile, HEADER };

if (require.main === module) bundleSync();
