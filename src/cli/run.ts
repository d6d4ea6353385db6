/** Process entry used by tests and `node dist/src/cli/run.js`: same as bin/drydock.js. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
