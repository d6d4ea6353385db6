/** The process entry: `bin/drydock.js` loads this compiled; tests run it via tsx or from dist. */
import { main } from './main.js';

// `drydock images | head`: the reader went away; stop quietly, as other CLIs do.
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
