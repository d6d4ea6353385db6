/** STOPSIGNAL validation (moby/sys/signal `ParseSignal`, Linux signal names). */
const NAMES = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL', 'PROF', 'PWR',
  'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1', 'USR2', 'VTALRM', 'WINCH',
  'XCPU', 'XFSZ', 'RTMIN', 'RTMAX',
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `RTMAX-${14 - i}`),
]);

/** Throws `Invalid signal: X` unless X is a signal number or a known name (SIG prefix optional). */
export function parseSignal(raw: string): void {
  if (/^[+-]?\d+$/.test(raw)) {
    if (Number.parseInt(raw, 10) === 0) throw new Error(`Invalid signal: ${raw}`);
    return;
  }
  const name = raw.toUpperCase().replace(/^SIG/, '');
  if (!NAMES.has(name)) throw new Error(`Invalid signal: ${raw}`);
}
