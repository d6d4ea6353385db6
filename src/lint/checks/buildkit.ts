/**
 * BuildKit's checks that need more than the frontend knows on its own: the context's
 * .dockerignore (CopyIgnoredFile), the base image's platform (InvalidBaseImagePlatform), and
 * the experimental description-comment rule (InvalidDefinitionDescription).
 */
import { cleanPath } from '../../fileop/index.js';
import { formatPlatform, normalizePlatform } from '../../image/platform.js';
import type { Location } from '../../dockerfile/index.js';
import type { Platform } from '../../image/oci.js';
import type { Check } from './context.js';

/** BuildKit's validateCopySourcePath, for every COPY/ADD source taken from the context. */
export const copyIgnoredFile: Check = (ctx) => {
  const m = ctx.ignore;
  // with exclusions ("!x") what is really excluded cannot be known statically
  if (!m || m.empty || m.hasExclusions) return;
  const rootIgnored = m.patterns.some((p) => p === '*' || p === '**' || p === '**/*');
  for (const stage of ctx.dispatched.values()) {
    for (const step of stage.steps) {
      if (step.op.type !== 'copy' || step.op.from.kind !== 'context') continue;
      const cmd = step.op.add ? 'Add' : 'Copy';
      for (const raw of step.op.sources) {
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || /^git@/.test(raw)) continue;
        const src = cleanPath(raw);
        if ((src === '.' || src === '/') && !rootIgnored) continue;
        if (m.matches(src)) ctx.report('CopyIgnoredFile', step.location, cmd, src);
      }
    }
  }
};

/** The image a stage starts from was found locally for another OS/architecture. */
export const invalidBaseImagePlatform: Check = (ctx) => {
  for (const stage of ctx.plan.stages) {
    const base = ctx.bases.get(stage.index);
    if (!base?.platform) continue;
    const want = normalizePlatform(stage.platform);
    const have = normalizePlatform(base.platform);
    if (want.os === have.os && want.architecture === have.architecture) continue;
    ctx.report('InvalidBaseImagePlatform', stage.location, base.ref, format(want), format(have));
  }
};

/** containerd's FormatAll(Normalize(p)): arm64's v8 and amd64's v1 are the defaults, not shown. */
function format(p: Platform): string {
  const implied = (p.architecture === 'arm64' && p.variant === 'v8') || (p.architecture === 'amd64' && p.variant === 'v1');
  return formatPlatform(implied ? { os: p.os, architecture: p.architecture } : p);
}

/**
 * A comment right above `FROM … AS name` or `ARG name` is its description, so it should start
 * with that name (experimental in BuildKit: on only with `# check=experimental=…`).
 */
export const invalidDefinitionDescription: Check = (ctx) => {
  const check = (instr: string, keys: string[], comments: readonly string[], location: Location): void => {
    if (comments.length === 0 || keys.length === 0) return;
    const first = comments[comments.length - 1]!.split(' ')[0]!;
    if (keys.includes(first)) return;
    ctx.report('InvalidDefinitionDescription', location, instr, keys.length > 1 ? '<arg_key>' : keys[0]!);
  };
  const args = [...ctx.parsed.metaArgs];
  for (const st of ctx.parsed.stages) {
    if (st.name !== undefined) check('FROM', [st.name], st.comments, st.location);
    for (const c of st.commands) if (c.kind === 'arg') args.push(c);
  }
  for (const a of args) check('ARG', a.args.map((x) => x.key), a.comments, a.location);
};
