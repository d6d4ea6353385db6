/**
 * The OCI runtime spec (runc's config.json) for one RUN: containerd's default Unix spec as
 * BuildKit adjusts it (no /run tmpfs, read-only cgroupfs, resolv.conf and hosts bind-mounted
 * read-only, new privileges allowed), and BuildKit's insecure mode for `--security=insecure`.
 */
import { readFile } from 'node:fs/promises';
import type { ExtraMount, Ulimit } from './types.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// containerd's defaultUnixCaps, Docker's default set.
export const DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

// Every capability up to CAP_CHECKPOINT_RESTORE (40), the last one runc 1.1 knows.
export const ALL_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

export const MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware',
  '/sys/devices/virtual/powercap', '/proc/scsi',
];
export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

// dockerd runs with LimitNOFILE=1048576 and BuildKit lets RUN inherit it. Without CAP_SYS_RESOURCE
// the container cannot go above our own hard limit, so that caps it (see hostNofileLimit).
export const NOFILE_LIMIT = 1048576;

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface SpecInput {
  rootfs: string;
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  hostname: string;
  network: 'host' | 'none';
  security: 'sandbox' | 'insecure';
  resolvConfPath: string;
  hostsPath: string;
  mounts: ExtraMount[];
  /** RLIMIT_NOFILE (soft = hard), unless `ulimits` names nofile. */
  nofile: number;
  /** `--ulimit`: these rlimits, as BuildKit sets them (executor/oci/spec_linux.go generateRlimitOpts). */
  ulimits?: Ulimit[];
  /** `--shm-size` in bytes: /dev/shm becomes a tmpfs of that size (0/undefined: the 64 MiB default). */
  shmSize?: number;
  /** Capabilities we hold ourselves (see hostCapabilities); a container cannot get more. */
  hostCaps?: string[];
  /** We run in a user namespace (rootless): the adjustments of `runc spec --rootless` (rootlessMounts). */
  userNamespace?: boolean;
}

/** Docker's open-files limit, or our hard limit when that is lower (read from /proc/self/limits). */
export async function hostNofileLimit(): Promise<number> {
  const text = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  const m = /^Max open files\s+\S+\s+(\S+)/m.exec(text);
  const hard = m && m[1] !== 'unlimited' ? Number(m[1]) : NOFILE_LIMIT;
  return Math.min(hard, NOFILE_LIMIT);
}

/** The capabilities in our own bounding set (a sandboxed build host may lack some, e.g. CAP_SYS_RESOURCE). */
export async function hostCapabilities(): Promise<string[]> {
  const text = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const m = /^CapBnd:\s+([0-9a-f]+)/m.exec(text);
  if (!m) return ALL_CAPS;
  const mask = BigInt(`0x${m[1]}`);
  return ALL_CAPS.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/** Env with Docker's default PATH when the build gave none. */
export function withDefaultPath(env: string[]): string[] {
  return env.some((e) => e.startsWith('PATH=')) ? env : [...env, `PATH=${DEFAULT_PATH}`];
}

/**
 * In a user namespace, as runc's specconv.ToRootless does: sysfs cannot be mounted without owning
 * the network namespace, so on the host's network /sys is bind-mounted read-only (its cgroup tree
 * with it); `--network=none` makes a network namespace of ours, where sysfs mounts and shows only
 * its own interfaces, as root's does. A cgroup filesystem cannot be mounted without a cgroup namespace.
 */
function rootlessMounts(mounts: OciMount[], insecure: boolean, network: SpecInput['network']): OciMount[] {
  return mounts.flatMap((m) => {
    if (m.type === 'cgroup') return [];
    if (m.type === 'sysfs' && network === 'host') return [{ destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', insecure ? 'rw' : 'ro'] }];
    return [m];
  });
}

function baseMounts(insecure: boolean): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', insecure ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', insecure ? 'rw' : 'ro'] },
  ];
}

export function extraMount(m: ExtraMount): OciMount {
  const ro = m.readonly ? ['ro'] : [];
  if (m.type === 'tmpfs') {
    return { destination: m.target, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', ...ro, ...(m.options ?? [])] };
  }
  if (!m.source) throw new Error(`bind mount to ${m.target} has no source`);
  return { destination: m.target, type: 'bind', source: m.source, options: ['rbind', ...ro, ...(m.options ?? [])] };
}

/**
 * The process's rlimits. BuildKit replaces the spec's rlimits with `--ulimit`'s and otherwise
 * drops them, so RUN inherits the daemon's (dockerd: nofile 1048576); drydock states that
 * inherited nofile unless `--ulimit nofile=…` is given.
 */
function rlimits(input: SpecInput): Array<{ type: string; hard: number | string; soft: number | string }> {
  const value = (n: number) => (n === -1 ? RLIM_INFINITY : n);
  const given = (input.ulimits ?? []).map((u) => ({ type: `RLIMIT_${u.name.toUpperCase()}`, hard: value(u.hard), soft: value(u.soft) }));
  if (given.some((r) => r.type === 'RLIMIT_NOFILE')) return given;
  return [{ type: 'RLIMIT_NOFILE', hard: input.nofile, soft: input.nofile }, ...given];
}

// -1 (unlimited) is uint64(-1) in BuildKit's conversion; a JS number cannot hold it, so specJSON writes it.
const RLIM_INFINITY = '\u0000RLIM_INFINITY';

/** config.json's text: RLIM_INFINITY written as the uint64 it is. */
export function specJSON(spec: Record<string, unknown>): string {
  return JSON.stringify(spec).replaceAll(JSON.stringify(RLIM_INFINITY), '18446744073709551615');
}

/** A later mount at the same destination replaces the earlier one in place (BuildKit's executor/oci/mounts.go dedupMounts). */
export function dedupMounts(mounts: OciMount[]): OciMount[] {
  const out: OciMount[] = [];
  const at = new Map<string, number>();
  for (const m of mounts) {
    const i = at.get(m.destination);
    if (i === undefined) {
      at.set(m.destination, out.length);
      out.push(m);
    } else out[i] = m;
  }
  return out;
}

/** `--shm-size`: dockerfile2llb adds a tmpfs mount of that size at /dev/shm, made with nosuid only (solver/llbsolver/mounts tmpfsMount). */
function shmMount(size?: number): OciMount[] {
  return size ? [{ destination: '/dev/shm', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', `size=${size}`] }] : [];
}

export function buildRuntimeSpec(input: SpecInput): Record<string, unknown> {
  const insecure = input.security === 'insecure';
  const held = input.hostCaps ?? ALL_CAPS;
  const caps = (insecure ? ALL_CAPS : DEFAULT_CAPS).filter((c) => held.includes(c));
  const roBind = ['nosuid', 'noexec', 'nodev', 'rbind', 'ro'];
  const namespaces = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if (input.network === 'none') namespaces.push({ type: 'network' });
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: input.uid, gid: input.gid, additionalGids: input.additionalGids },
      args: input.args,
      env: withDefaultPath(input.env),
      cwd: input.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      rlimits: rlimits(input),
      noNewPrivileges: false,
    },
    root: { path: input.rootfs, readonly: false },
    hostname: input.hostname,
    mounts: dedupMounts([
      ...(input.userNamespace ? rootlessMounts(baseMounts(insecure), insecure, input.network) : baseMounts(insecure)),
      { destination: '/etc/resolv.conf', type: 'bind', source: input.resolvConfPath, options: roBind },
      { destination: '/etc/hosts', type: 'bind', source: input.hostsPath, options: roBind },
      ...shmMount(input.shmSize),
      ...input.mounts.map(extraMount),
    ]),
    linux: {
      resources: { devices: [{ allow: insecure, access: 'rwm' }] },
      namespaces,
      maskedPaths: insecure ? [] : MASKED_PATHS,
      readonlyPaths: insecure ? [] : READONLY_PATHS,
    },
  };
}
