/**
 * The process entry as ES modules: what `bin/drydock.js` falls back to when it has no fresh
 * bundle, and what tests run from source (tsx) or from dist.
 */
import { runCli } from './main.js';

await runCli(process.argv.slice(2));
