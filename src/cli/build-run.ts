/**
 * The work behind `drydock build`: turn flags into BuildOptions, pick a progress renderer,
 * run the build, print the size summary, write --iidfile / --metadata-file.
 */
import { writeStdout } from './stdio.js';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../build/build.js';
import { parseBuildArgs, parseKeyValue, parseOutputSpec, type BuildOptions } from '../build/options.js';
import { formatSizeReport } from '../build/summary.js';
import { readStdinContext } from './stdin.js';
import { DrydockError } from '../util/errors.js';
import type { BuildEvent } from '../solver/events.js';
import { parseCacheSpec } from '../cache/spec.js';
import { parseSecretSpec, parseSshSpec } from '../secrets/index.js';
import { parseAddHosts, parseBuildContexts, parseShmSize, parseUlimits, withAnnotations, withPushLoad } from './build-flags.js';

export async function runBuild(contextArg: string, o: Record<string, unknown>, root?: string): Promise<number> {
  const list = (k: string) => (o[k] as string[] | undefined) ?? [];
  const quiet = !!o.quiet || o.progress === 'quiet';
  const opts: BuildOptions = {
    context: contextArg,
    root,
    tags: list('tag'),
    target: o.target as string | undefined,
    // The environment's SOURCE_DATE_EPOCH is a build arg that --build-arg overrides, as buildx and buildctl pass it.
    buildArgs: { ...envEpoch(), ...parseBuildArgs(list('buildArg')) },
    labels: Object.fromEntries(list('label').map((s) => { const [k, v] = parseKeyValue(s, 'label', {}); return [k, v ?? '']; })),
    noCache: o.cache === false,
    noCacheFilter: list('noCacheFilter'),
    pull: !!o.pull,
    network: o.network as BuildOptions['network'],
    outputs: withAnnotations(withPushLoad(list('output').map(parseOutputSpec), { push: !!o.push, load: !!o.load, tags: list('tag') }), list('annotation')),
    platform: o.platform as string | undefined,
    cacheTo: list('cacheTo').map((s) => parseCacheSpec(s, 'to')),
    cacheFrom: list('cacheFrom').map((s) => parseCacheSpec(s, 'from')),
    snapshotter: o.snapshotter as BuildOptions['snapshotter'],
    secrets: list('secret').map(parseSecretSpec),
    ssh: list('ssh').map(parseSshSpec),
    allow: list('allow').map(parseEntitlement),
    report: o.report as string | undefined,
    extraHosts: parseAddHosts(list('addHost')),
    shmSize: parseShmSize(o.shmSize as string | undefined),
    ulimits: parseUlimits(list('ulimit')),
    buildContexts: parseBuildContexts(list('buildContext')),
  };
  let emptyContext: string | undefined;
  if (o.file === '-') {
    opts.dockerfileText = await readAll(process.stdin);
  } else if (o.file) {
    opts.dockerfile = o.file as string;
  }
  if (contextArg === '-') {
    if (o.file === '-') throw new DrydockError('USAGE', 'cannot read both the context and the Dockerfile from stdin');
    const stdin = await readStdinContext(process.stdin);
    if (stdin.kind === 'tar') opts.context = { tar: stdin.stream };
    else {
      emptyContext = await mkdtemp(join(tmpdir(), 'drydock-ctx-'));
      opts.context = emptyContext;
      opts.dockerfileText = stdin.text;
    }
  }

  try {
    // --check runs the checks instead of the build (`# check=error=true` is build()'s)
    if (o.check) return await (await import('../lint/build-check.js')).checkOnly(opts);
    // Renderers load only when shown: -q builds (scripts, the no-op rebuild) skip them.
    const progress = quiet ? undefined : await import('./progress/index.js').then((p) => p.createProgress(p.resolveProgressMode(o.progress as string, process.stderr), process.stderr));
    opts.onEvent = progress?.onEvent;
    // Ctrl-C / SIGTERM cancel the build: the container is killed, snapshots released, the store
    // left consistent; a second Ctrl-C exits at once.
    const abort = new AbortController();
    opts.signal = abort.signal;
    const onSignal = (sig: NodeJS.Signals) => {
      if (abort.signal.aborted) process.exit(130);
      abort.abort(new DrydockError('CANCELLED', `build cancelled (${sig})`, { exitCode: 130 }));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const result = await build(opts).finally(() => {
      progress?.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
    if (quiet) writeStdout(`${result.imageId}\n`);
    else {
      if (o.explain) process.stderr.write(formatExplanations(result.events));
      process.stderr.write(`${formatSizeReport(result.report)}\n`);
      for (const r of result.refs) process.stderr.write(`naming to ${r}\n`);
      process.stderr.write(`image ${result.imageId}\n`);
    }
    if (o.iidfile) await writeFile(o.iidfile as string, result.imageId);
    if (o.metadataFile) {
      await writeFile(o.metadataFile as string, JSON.stringify({
        // A multi-platform index has no one config, as BuildKit's exporter reports it.
        ...(result.platforms ? {} : { 'containerimage.config.digest': result.imageId }),
        'containerimage.digest': result.manifestDigest,
        'image.name': result.refs.join(','),
        'drydock.sizes': result.report,
      }, null, 2));
    }
    return 0;
  } finally {
    if (emptyContext) await rm(emptyContext, { recursive: true, force: true });
  }
}

function parseEntitlement(s: string): string {
  if (s !== 'security.insecure' && s !== 'network.host') throw new DrydockError('USAGE', `invalid --allow "${s}": expected security.insecure or network.host`);
  return s;
}

function envEpoch(): Record<string, string> {
  const v = process.env.SOURCE_DATE_EPOCH;
  return v === undefined ? {} : { SOURCE_DATE_EPOCH: v };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** `--explain`: every step that ran, and why its cache record could not be used. */
export function formatExplanations(events: BuildEvent[]): string {
  const names = new Map<number, string>();
  const lines: string[] = [];
  for (const e of events) {
    if (e.type === 'build-start') for (const st of e.stages) names.set(st.index, st.name);
    if (e.type !== 'step-explain') continue;
    lines.push(`  [${names.get(e.stage) ?? e.stage}] ${e.instruction}`);
    for (const r of e.reasons) lines.push(`      ${r}`);
  }
  if (!lines.length) return 'why not cached: every step came from the cache\n';
  return `why not cached:\n${lines.join('\n')}\n`;
}
