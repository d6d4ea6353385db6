/** EXPOSE: port specs → `80/tcp` keys, with BuildKit's validation and lint. */
import type { ExposeCommand } from '../instructions/index.js';
import { goSlice } from '../util/goformat.js';
import { isIP } from 'node:net';
import type { DispatchState } from './state.js';
import type { StepResult } from './step.js';

export function dispatchExpose(d: DispatchState, c: ExposeCommand): StepResult {
  const words = c.ports.flatMap((p) => d.lex.processWords(p, d.env.asMap()));
  const ports: string[] = [];
  for (const raw of words) ports.push(...parsePort(raw, d, c));
  const exposed = (d.config.ExposedPorts ??= {});
  for (const p of ports) exposed[p] = {};
  return { createdBy: `EXPOSE ${goSlice(ports)}`, layer: false, op: { type: 'config' } };
}

function parsePort(raw: string, d: DispatchState, c: ExposeCommand): string[] {
  const parts = raw.split(':');
  let ip = '';
  let hostPort = '';
  let containerPort: string;
  if (parts.length === 1) containerPort = parts[0]!;
  else if (parts.length === 2) [hostPort, containerPort] = [parts[0]!, parts[1]!];
  else {
    ip = parts.slice(0, -2).join(':');
    hostPort = parts[parts.length - 2]!;
    containerPort = parts[parts.length - 1]!;
  }
  const slash = containerPort.indexOf('/');
  const port = slash < 0 ? containerPort : containerPort.slice(0, slash);
  let proto = slash < 0 ? '' : containerPort.slice(slash + 1);
  const invalid = (why: string): Error => new Error(`invalid port: ${JSON.stringify(raw)}: ${why}`);
  if (port === '') throw invalid('no port specified');
  if (proto === '') proto = 'tcp';
  else if (!['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) throw invalid(`invalid proto: ${proto}`);
  if (proto !== proto.toLowerCase()) d.lint.report('ExposeProtoCasing', c.location, raw);
  if (ip !== '' || hostPort !== '') d.lint.report('ExposeInvalidFormat', c.location, raw);
  if (ip.startsWith('[')) ip = ip.replace(/^\[|\]$/g, '');
  if (ip !== '' && isIP(ip) === 0) throw new Error(`invalid IP address: ${ip}`);
  const range = portRange(port);
  if (!range) throw new Error(`invalid containerPort: ${port}`);
  if (hostPort !== '') {
    const h = portRange(hostPort);
    if (!h) throw new Error(`invalid hostPort: ${hostPort}`);
    if (range[1] - range[0] !== h[1] - h[0] && range[1] !== range[0]) {
      throw new Error(`invalid ranges specified for container and host Ports: ${port} and ${hostPort}`);
    }
  }
  const out: string[] = [];
  for (let p = range[0]; p <= range[1]; p++) out.push(`${p}/${proto.toLowerCase()}`);
  return out;
}

function portRange(s: string): [number, number] | undefined {
  const dash = s.indexOf('-');
  const start = portNumber(dash < 0 ? s : s.slice(0, dash));
  if (start === undefined) return undefined;
  if (dash < 0 || s.slice(0, dash) === s.slice(dash + 1)) return [start, start];
  const end = portNumber(s.slice(dash + 1));
  if (end === undefined || end < start) return undefined;
  return [start, end];
}

function portNumber(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number.parseInt(s, 10);
  return n < 0 || n > 65535 ? undefined : n;
}
