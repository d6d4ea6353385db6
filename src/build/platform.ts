/**
 * `--platform`: the platform the image is for. A RUN for another architecture executes through a
 * QEMU user-mode emulator registered with binfmt_misc (F flag, so it works inside the rootfs;
 * `drydock setup binfmt`). Without one, such a RUN is a clear error naming its line and the way to
 * enable emulation, instead of an exec format error; COPY/ADD and metadata steps need nothing.
 */
import { checkEmulation, enableHint, type EmulationCheck } from '../exec/binfmt.js';
import { hostPlatform, type Platform } from '../image/oci.js';
import { formatPlatform, normalizePlatform, parsePlatform, platformMatches } from '../image/platform.js';
import type { Dispatcher } from '../solver/stage.js';
import { DrydockError } from '../util/errors.js';

export interface TargetPlatform {
  platform: Platform;
  /** --platform was given (outputs then name the platform in their index). */
  explicit: boolean;
  /** Not the host's: RUN steps need an emulator. */
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

/**
 * Wraps a dispatcher so that a stage with a RUN step fails early on a foreign platform when no
 * emulator can run its programs (binfmt_misc is read once, at the first such RUN).
 */
export function guardForeignRun(dispatch: Dispatcher, t: TargetPlatform): Dispatcher {
  if (!t.foreign) return dispatch;
  let check: EmulationCheck | undefined;
  return (stage, base) => {
    const program = dispatch(stage, base);
    const run = program.steps.find((s) => s.op.kind === 'run');
    if (run) {
      check ??= checkEmulation(t.platform, hostPlatform());
      if (!check.ok) {
        throw new DrydockError('USAGE',
          `--platform ${t.spec ?? formatPlatform(t.platform)}: ${run.instruction.split('\n')[0]} must run ${formatPlatform(t.platform)} programs on this ${formatPlatform(hostPlatform())} host, but ${check.reason}; to emulate it with QEMU, ${enableHint(t.platform)}`,
          run.file && run.line ? { location: { file: run.file, line: run.line } } : {});
      }
    }
    return program;
  };
}
