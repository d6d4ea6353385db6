/**
 * Scenarios for large contexts and fresh runners (issue 18), registered in scenarios.ts:
 * no-op rebuilds of a 20,000-file context (alone, and beside a 100,000-file node_modules that
 * .dockerignore excludes), one edited file in it, a 200,000-file no-op, and a runner that starts
 * with empty stores and pulls its base images from a registry on the loopback.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startRegistry, type RegistryFixture } from '../test/helpers/registry.js';
import { goContext } from './contexts.js';
import { editLargeContext, largeContext } from './contexts-large.js';
import { run } from './measure.js';
import { BASES, drydockCli, type Side } from './sides.js';
import type { Scenario } from './scenarios.js';

/** A warm cache: this exact context already built once. */
async function warm(side: Side, ctx: string, tag: string): Promise<void> {
  await side.reset();
  await side.build(ctx, tag);
}

export function largeScenarios(files: number): Scenario[] {
  const n = files.toLocaleString('en');
  return [
    { id: 'noop-20k', title: `no-op rebuild, COPY of ${n} files`, context: (d) => largeContext(d, { files }), prepare: warm },
    {
      id: 'noop-20k-excluded',
      title: `no-op rebuild, ${n} files beside a 100,000-file node_modules in .dockerignore`,
      context: (d) => largeContext(d, { files, excluded: 100_000 }),
      prepare: warm,
    },
    {
      id: 'edit-20k',
      title: `rebuild after one of ${n} files is edited`,
      context: (d) => largeContext(d, { files }),
      prepare: warm,
      beforeRun: (_side, ctx, run) => editLargeContext(ctx, run + 1),
    },
    { id: 'noop-200k', title: 'no-op rebuild, COPY of 200,000 files', context: (d) => largeContext(d, { files: 200_000 }), prepare: warm },
    freshRunner(),
  ];
}

/**
 * A fresh CI runner: both stores empty, the Go example's bases pulled from a registry on the
 * loopback (docker treats 127.0.0.0/8 as insecure, drydock too), then built.
 */
function freshRunner(): Scenario {
  let registry: RegistryFixture | undefined;
  return {
    id: 'fresh-runner',
    title: 'fresh runner: bases pulled from a loopback registry into empty stores, Go example built',
    async context(dir) {
      registry = await startRegistry();
      // bench/run.ts loaded the bases into <work>/loaded-root; push them from there.
      const root = path.join(path.dirname(dir), 'loaded-root');
      const cli = drydockCli();
      for (const [, ref] of BASES) {
        const remote = `${registry.host}/${ref}`;
        await run([process.execPath, cli, '--root', root, 'tag', ref, remote]);
        await run([process.execPath, cli, '--root', root, 'push', remote]);
      }
      await goContext(dir);
      const file = path.join(dir, 'Dockerfile');
      const text = await readFile(file, 'utf8');
      let out = text;
      for (const [, ref] of BASES) out = out.replace(new RegExp(`^(FROM |ARG \\w+=)${ref.replace(/\./g, '\\.')}`, 'gm'), `$1${registry.host}/${ref}`);
      if (out === text) throw new Error(`${file}: no FROM or ARG names a base image`);
      await writeFile(file, out);
      return dir;
    },
    beforeRun: (side) => side.reset({ empty: true }),
    async cleanup() {
      await registry?.stop();
    },
  };
}
