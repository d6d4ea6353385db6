/** HEALTHCHECK NONE | [--interval… --retries…] CMD command. */
import { base, errAtLeastOneArgument, handleJSONArgs, InstructionError, type ParseRequest } from './request.js';
import type { Flag } from './bflag.js';
import type { HealthCheckCommand } from './types.js';

export function parseHealthcheck(req: ParseRequest): HealthCheckCommand {
  if (req.args.length === 0) throw errAtLeastOneArgument('HEALTHCHECK');
  let typ = req.args[0]!.toUpperCase();
  const args = req.args.slice(1);
  const health = { test: [] as string[], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
  if (typ === 'NONE') {
    if (args.length !== 0) throw new InstructionError('HEALTHCHECK NONE takes no arguments');
    health.test = [typ];
    return { kind: 'healthcheck', ...base(req), health };
  }
  const f = req.flags;
  const interval = f.string('interval');
  const timeout = f.string('timeout');
  const startPeriod = f.string('start-period');
  const startInterval = f.string('start-interval');
  const retries = f.string('retries');
  f.parse();
  if (typ !== 'CMD') throw new InstructionError(`Unknown type "${typ}" in HEALTHCHECK (try CMD)`);
  const cmd = handleJSONArgs(args, req.json);
  if (cmd.length === 0) throw new InstructionError('Missing command after HEALTHCHECK CMD');
  if (!req.json) typ = 'CMD-SHELL';
  health.test = [typ, ...cmd];
  health.interval = optInterval(interval);
  health.timeout = optInterval(timeout);
  health.startPeriod = optInterval(startPeriod);
  health.startInterval = optInterval(startInterval);
  if (retries.value !== '') {
    if (!/^[+-]?\d+$/.test(retries.value)) throw new InstructionError(`strconv.ParseInt: parsing "${retries.value}": invalid syntax`);
    const n = Number.parseInt(retries.value, 10);
    if (n < 0) throw new InstructionError(`--retries cannot be negative (${n})`);
    health.retries = n;
  }
  return { kind: 'healthcheck', ...base(req), health };
}

/** A flag's duration in nanoseconds; 0 when empty; at least 1ms otherwise. */
function optInterval(f: Flag): number {
  if (f.value === '') return 0;
  const d = parseGoDuration(f.value);
  if (d === undefined) throw new InstructionError(`time: invalid duration "${f.value}"`);
  if (d === 0) return 0;
  if (d < 1_000_000) throw new InstructionError(`Interval "${f.name}" cannot be less than 1ms`);
  return d;
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's `time.ParseDuration` (`1h30m`, `1.5s`, `300ms`, `0`), in nanoseconds. */
export function parseGoDuration(s: string): number | undefined {
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const re = /^(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest !== '') {
    const m = re.exec(rest);
    if (!m || m[1] === '' || m[1] === '.') return undefined;
    total += Number.parseFloat(m[1]!) * UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return sign * Math.round(total);
}
