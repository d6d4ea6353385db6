/**
 * Puts go-cross's base images into a drydock store, made locally from Debian packages (no Docker
 * Hub): `golang:1.19` for the build machine, and `busybox:latest` as an OCI index of busybox for
 * linux/amd64 and linux/arm64 (Debian's busybox-static of each architecture), the recipes the
 * test suite uses (test/helpers/fixtures.ts, test/helpers/platform-fixtures.ts).
 *   node dist/examples/go-cross/base-images.js --root DIR
 */
import { defaultRoot, openStore } from '../../src/store/index.js';
import { fixtureImage } from '../../test/helpers/fixtures.js';
import { busyboxIndex, type FixturePlatform } from '../../test/helpers/platform-fixtures.js';

const PLATFORMS: FixturePlatform[] = ['linux/amd64', 'linux/arm64'];

async function main(argv: string[]): Promise<void> {
  let root = process.env.DRYDOCK_ROOT || defaultRoot();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root' && argv[i + 1]) root = argv[++i]!;
    else throw new Error(`unknown argument ${argv[i]} (want --root DIR)`);
  }
  const store = await openStore(root);
  if (!(await store.images.get('golang:1.19'))) await fixtureImage(store, 'golang', 'golang:1.19');
  process.stdout.write('golang:1.19 (linux/amd64)\n');
  await busyboxIndex(store, PLATFORMS, 'busybox:latest');
  process.stdout.write(`busybox:latest (${PLATFORMS.join(', ')})\n`);
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`go-cross base-images: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
