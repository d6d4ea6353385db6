/**
 * Puts the example's base images into a drydock store, built locally from Debian packages (no
 * Docker Hub): `busybox:latest` and `golang:1.19`, with the same recipes the test suite uses
 * (test/helpers/fixtures.ts; cached in $DRYDOCK_TEST_CACHE).
 *   node dist/examples/base-images.js --root DIR busybox golang
 */
import { openStore, defaultRoot } from '../src/store/index.js';
import { fixtureImage, fixtureRef, FIXTURE_NAMES, type FixtureName } from '../test/helpers/fixtures.js';

async function main(argv: string[]): Promise<void> {
  let root = process.env.DRYDOCK_ROOT || defaultRoot();
  const names: FixtureName[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') root = argv[++i];
    else if ((FIXTURE_NAMES as readonly string[]).includes(argv[i])) names.push(argv[i] as FixtureName);
    else throw new Error(`unknown argument ${argv[i]} (want --root DIR and any of ${FIXTURE_NAMES.join(', ')})`);
  }
  const store = await openStore(root);
  for (const n of names) {
    const { repository, tag } = await fixtureRef(n);
    const ref = `${repository.replace(/^library\//, '')}:${tag}`;
    if (!(await store.images.get(ref))) await fixtureImage(store, n, ref);
    process.stdout.write(`${ref}\n`);
  }
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`base-images: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
