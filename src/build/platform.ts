/**
 * `--platform`: the platform the image is for. Builds for another architecture are allowed when
 * no RUN step has to execute (COPY/ADD/config-only stages): drydock does not emulate, so a RUN
 * for a foreign platform is a clear error naming its line instead of an exec format error.
 */
import { hostPlatform, type Platform } from '../image/oci.js';
import { formatPlatform, normalizePlatform, parsePlatform, platformMatches } from '../image/platform.js';
import type { Dispatcher } from '../solver/stage.js';
import { DrydockError } from '../util/errors.js';

export interface TargetPlatform {
  platform: Platform;
  /** --platform was given (outputs then name the platform in their index). */
  explicit: boolean;
  /** Not the host's: RUN steps cannot execute. */
  foreign: boolean;
  /** As the user wrote it, for messages. */
  spec?: string;
}

export function targetPlatform(spec: string | undefined): TargetPlatform {
  const host = hostPlatform();
  if (!spec) return { platform: host, explicit: false, foreign: false };
  const parsed = parsePlatform(spec.trim());
  if (!parsed) throw new DrydockError('USAGE', `invalid --platform "${spec}": expected os/arch[/variant], e.g. linux/arm64`);
  if (parsed.os.toLowerCase() !== 'linux') throw new DrydockError('USAGE', `--platform ${spec}: only linux images can be built`);
  const platform = normalizePlatform(parsed);
  return { platform, explicit: true, foreign: !platformMatches(host, platform), spec: spec.trim() };
}

/** Wraps a dispatcher so that a stage with a RUN step fails early on a foreign platform. */
export function guardForeignRun(dispatch: Dispatcher, t: TargetPlatform): Dispatcher {
  if (!t.foreign) return dispatch;
  return (stage, base) => {
    const program = dispatch(stage, base);
    const run = program.steps.find((s) => s.op.kind === 'run');
    if (run) {
      throw new DrydockError('USAGE',
        `--platform ${t.spec ?? formatPlatform(t.platform)}: ${run.instruction.split('\n')[0]} would have to run ${formatPlatform(t.platform)} programs on this ${formatPlatform(hostPlatform())} host, and drydock does not emulate other architectures (only COPY/ADD and metadata steps can be built for another platform)`,
        run.file && run.line ? { location: { file: run.file, line: run.line } } : {});
    }
    return program;
  };
}
