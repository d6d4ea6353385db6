/** Instructions that change only the image config or build state (BuildKit's dispatchEnv, …). */
import type {
  ArgCommand, CmdCommand, EntrypointCommand, EnvCommand, HealthCheckCommand, LabelCommand, Location,
  MaintainerCommand, OnbuildCommand, ShellCommand, StopSignalCommand, UserCommand, VolumeCommand,
} from '../instructions/index.js';
import { goDuration, goQuoteSlice, goSlice } from '../util/goformat.js';
import { reportUnmatched } from './expand.js';
import { checkSecretKey } from './secrets.js';
import { DispatchState, type Tracker } from './state.js';
import { configOnly, type StepResult } from './step.js';
import { parseSignal } from './signal.js';

export function dispatchEnv(d: DispatchState, c: EnvCommand): StepResult {
  let msg = 'ENV';
  for (const e of c.env) {
    if (e.noDelim) d.lint.report('LegacyKeyValueFormat', c.location, c.name);
    checkSecretKey(d, 'ENV', e.key, c.location);
    msg += ` ${e.key}=${e.value}`;
    d.env.set(e.key, e.value);
    d.setConfigEnv(e.key, e.value);
  }
  return configOnly(msg);
}

export function dispatchLabel(d: DispatchState, c: LabelCommand): StepResult {
  let msg = 'LABEL';
  const labels = (d.config.Labels ??= {});
  for (const l of c.labels) {
    if (l.noDelim) d.lint.report('LegacyKeyValueFormat', c.location, c.name);
    labels[l.key] = l.value;
    msg += ` ${l.key}=${l.value}`;
  }
  return configOnly(msg);
}

export function dispatchMaintainer(d: DispatchState, c: MaintainerCommand): StepResult {
  d.image.author = c.maintainer;
  return configOnly(`MAINTAINER ${c.maintainer}`);
}

export function dispatchUser(d: DispatchState, c: UserCommand): StepResult {
  d.config.User = c.user;
  return configOnly(`USER ${c.user}`);
}

export function dispatchVolume(d: DispatchState, c: VolumeCommand): StepResult {
  const vols = (d.config.Volumes ??= {});
  for (const v of c.volumes) {
    if (v === '') throw new Error('VOLUME specified can not be an empty string');
    vols[v] = {};
  }
  return configOnly(`VOLUME ${goSlice(c.volumes)}`);
}

export function dispatchStopSignal(d: DispatchState, c: StopSignalCommand): StepResult {
  parseSignal(c.signal);
  d.config.StopSignal = c.signal;
  return configOnly(`STOPSIGNAL ${c.signal}`);
}

export function dispatchShell(d: DispatchState, c: ShellCommand): StepResult {
  d.config.Shell = [...c.shell];
  return configOnly(`SHELL ${goSlice(c.shell)}`);
}

export function dispatchOnbuild(d: DispatchState, c: OnbuildCommand): StepResult {
  (d.config.OnBuild ??= []).push(c.expression);
  return configOnly(); // BuildKit writes no history entry for ONBUILD
}

/** Shell form runs in the SHELL (default `/bin/sh -c`), as one string. */
export function withShell(d: DispatchState, args: readonly string[]): string[] {
  const shell = d.config.Shell?.length ? [...d.config.Shell] : d.image.os === 'windows' ? ['cmd', '/S', '/C'] : ['/bin/sh', '-c'];
  return [...shell, args.join(' ')];
}

function usedOnce(d: DispatchState, t: Tracker, name: string, location: Location): void {
  // the earlier one is the one that gets ignored, so it is the one reported
  if (t.location) d.lint.report('MultipleInstructionsDisallowed', t.location, name);
  t.location = location;
}

/** CMD/ENTRYPOINT argv: exec form as written; shell form wrapped in the SHELL (and linted, as BuildKit does). */
function commandArgs(d: DispatchState, c: CmdCommand | EntrypointCommand): string[] {
  if (!c.prependShell) return c.cmdLine;
  if (!d.config.Shell?.length) d.lint.report('JSONArgsRecommended', c.location, c.name);
  return withShell(d, c.cmdLine);
}

export function dispatchCmd(d: DispatchState, c: CmdCommand): StepResult {
  usedOnce(d, d.cmd, c.name, c.location);
  const args = commandArgs(d, c);
  d.config.Cmd = [...args];
  d.config.ArgsEscaped = true;
  return configOnly(`CMD ${goQuoteSlice(args)}`);
}

export function dispatchEntrypoint(d: DispatchState, c: EntrypointCommand): StepResult {
  usedOnce(d, d.entrypoint, c.name, c.location);
  const args = commandArgs(d, c);
  d.config.Entrypoint = args.length > 0 ? [...args] : null;
  // an ENTRYPOINT resets the base image's CMD unless this stage set one
  if (!d.cmd.location) d.config.Cmd = null;
  return configOnly(`ENTRYPOINT ${goQuoteSlice(args)}`);
}

export function dispatchHealthcheck(d: DispatchState, c: HealthCheckCommand): StepResult {
  usedOnce(d, d.healthcheck, c.name, c.location);
  const h = c.health;
  d.config.Healthcheck = {
    Test: [...h.test],
    ...(h.interval ? { Interval: h.interval } : {}),
    ...(h.timeout ? { Timeout: h.timeout } : {}),
    ...(h.startPeriod ? { StartPeriod: h.startPeriod } : {}),
    ...(h.startInterval ? { StartInterval: h.startInterval } : {}),
    ...(h.retries ? { Retries: h.retries } : {}),
  };
  // Go's `%+v` of the HealthcheckConfig struct
  const text = `{Test:${goSlice(h.test)} Interval:${goDuration(h.interval)} Timeout:${goDuration(h.timeout)} `
    + `StartPeriod:${goDuration(h.startPeriod)} StartInterval:${goDuration(h.startInterval)} Retries:${h.retries}}`;
  return configOnly(`HEALTHCHECK ${text}`);
}

/**
 * ARG inside a stage: value from --build-arg, else the (expanded) default, else the global
 * scope when re-declaring a global ARG. Values join the env RUN sees, not the image config.
 */
export function dispatchArg(d: DispatchState, c: ArgCommand): StepResult {
  const parts: string[] = [];
  for (const def of c.args) {
    checkSecretKey(d, 'ARG', def.key, c.location);
    const fromBuildArg = Object.hasOwn(d.ctx.buildArgs, def.key);
    let value = def.value;
    if (value === undefined && !fromBuildArg && Object.hasOwn(d.ctx.globalArgs, def.key)) value = d.ctx.globalArgs[def.key];
    else if (fromBuildArg) value = d.ctx.buildArgs[def.key];
    else if (value !== undefined) {
      const res = d.lex.processWordWithMatches(value, d.env.asMap());
      reportUnmatched(d, c.location, res.unmatched);
      value = res.result;
    }
    if (value !== undefined && !def.key.startsWith('BUILDKIT_SBOM_SCAN_')) d.env.set(def.key, value);
    d.buildArgs.push(value !== undefined ? { key: def.key, value } : { key: def.key });
    parts.push(value !== undefined ? `${def.key}=${value}` : def.key);
  }
  return configOnly(`ARG ${parts.join(' ')}`);
}
