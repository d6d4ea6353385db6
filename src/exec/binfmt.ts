/**
 * binfmt_misc: which foreign architectures this kernel can run, through QEMU user-mode emulators
 * registered in /proc/sys/fs/binfmt_misc. A RUN step executes inside the image's rootfs, where the
 * interpreter's path does not exist; only an entry with the F (fix-binary) flag works there, since
 * the kernel opened the interpreter when it was registered. Read synchronously: a few small
 * /proc files, checked once per build.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Platform } from '../image/oci.js';
import { probeArchitecture } from './binfmt-probe.js';

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

export interface Emulator {
  /** The entry's name: `qemu-aarch64`. */
  name: string;
  /** The OCI architecture its ELF magic matches (`arm64`, `arm`, `riscv64`…); undefined when not an ELF entry we know. */
  architecture?: string;
  interpreter: string;
  /** The kernel's flag letters, e.g. `POF`. */
  flags: string;
  enabled: boolean;
  /** F flag: usable inside a container's rootfs. */
  fixBinary: boolean;
}

export interface BinfmtState {
  /** binfmt_misc is mounted at /proc/sys/fs/binfmt_misc. */
  mounted: boolean;
  /** Its `status` says enabled (binfmt_misc as a whole can be switched off). */
  enabled: boolean;
  emulators: Emulator[];
}

// ELF e_machine → OCI architecture; the class (32/64-bit) and byte order tell the ambiguous ones apart.
const MACHINES: Record<number, (is64: boolean, le: boolean) => string | undefined> = {
  0x03: () => '386',
  0x3e: () => 'amd64',
  0x28: (is64, le) => (is64 ? undefined : le ? 'arm' : 'armbe'),
  0xb7: (is64, le) => (is64 && le ? 'arm64' : undefined),
  0xf3: (is64) => (is64 ? 'riscv64' : 'riscv32'),
  0x16: (is64) => (is64 ? 's390x' : undefined),
  0x15: (is64, le) => (is64 ? (le ? 'ppc64le' : 'ppc64') : undefined),
  0x08: (is64, le) => (is64 ? (le ? 'mips64le' : 'mips64') : le ? 'mipsle' : 'mips'),
  0x102: (is64) => (is64 ? 'loong64' : undefined),
};

/** The architecture an entry's magic selects: ELF header bytes 0-3, class at 4, order at 5, e_machine at 18. */
export function magicArchitecture(offset: number, magicHex: string): string | undefined {
  if (offset !== 0 || !/^7f454c46/i.test(magicHex) || magicHex.length < 40) return undefined;
  const b = Buffer.from(magicHex, 'hex');
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  const machine = le ? b.readUInt16LE(18) : b.readUInt16BE(18);
  return MACHINES[machine]?.(is64, le);
}

/** Parses one /proc/sys/fs/binfmt_misc/<name> file. */
export function parseEntry(name: string, text: string): Emulator {
  const lines = text.split('\n');
  const field = (key: string): string | undefined => {
    const line = lines.find((l) => l.startsWith(`${key} `) || l.startsWith(`${key}:`));
    return line?.slice(key.length).replace(/^:?\s*/, '').trim();
  };
  const flags = field('flags') ?? '';
  const offset = Number(field('offset') ?? 0);
  const magic = field('magic');
  return {
    name,
    architecture: magic ? magicArchitecture(offset, magic) : undefined,
    interpreter: field('interpreter') ?? '',
    flags,
    enabled: lines[0]?.trim() === 'enabled',
    fixBinary: flags.includes('F'),
  };
}

/** What binfmt_misc has registered (every entry, emulators or not). `dir` is for tests. */
export function registeredEmulators(dir: string = BINFMT_DIR): BinfmtState {
  let status: string;
  try {
    status = readFileSync(path.join(dir, 'status'), 'utf8').trim();
  } catch {
    return { mounted: false, enabled: false, emulators: [] };
  }
  const emulators: Emulator[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'status' || name === 'register') continue;
    try {
      emulators.push(parseEntry(name, readFileSync(path.join(dir, name), 'utf8')));
    } catch {
      // removed while we listed it
    }
  }
  return { mounted: true, enabled: status === 'enabled', emulators };
}

/** The qemu-user-static entry name for an OCI platform (Debian's and tonistiigi/binfmt's naming). */
export function qemuName(p: Platform): string {
  const names: Record<string, string> = {
    arm64: 'aarch64', arm: 'arm', '386': 'i386', amd64: 'x86_64', ppc64le: 'ppc64le', ppc64: 'ppc64',
    s390x: 's390x', riscv64: 'riscv64', mips64le: 'mips64el', mips64: 'mips64', mipsle: 'mipsel', mips: 'mips', loong64: 'loongarch64',
  };
  return `qemu-${names[p.architecture] ?? p.architecture}`;
}

/** The host's own architecture, and 386 on amd64 (the kernel's IA-32 emulation), need no QEMU. */
function runsNatively(architecture: string, host: Platform): boolean {
  return architecture === host.architecture || (host.architecture === 'amd64' && architecture === '386');
}

export type EmulationCheck =
  | { ok: true; emulator?: Emulator }
  | { ok: false; reason: string };

/**
 * Can programs for `target` run here? Natively (the host's architecture, or 386 on amd64), or
 * through an enabled binfmt_misc entry for its architecture that has the F flag; when binfmt_misc
 * is not mounted here, when a probe program of that architecture runs (binfmt-probe.ts).
 */
export function checkEmulation(target: Platform, host: Platform, state: BinfmtState = registeredEmulators(), probe: (arch: string) => boolean | undefined = probeArchitecture): EmulationCheck {
  if (runsNatively(target.architecture, host)) return { ok: true };
  // Unseen is not absent: a container's kernel may emulate with its host's registrations.
  if (!state.mounted) return probe(target.architecture) ? { ok: true } : { ok: false, reason: `binfmt_misc is not mounted at ${BINFMT_DIR}` };
  if (!state.enabled) return { ok: false, reason: `binfmt_misc is disabled (${BINFMT_DIR}/status)` };
  const candidates = state.emulators.filter((e) => e.architecture === target.architecture);
  const usable = candidates.find((e) => e.enabled && e.fixBinary);
  if (usable) return { ok: true, emulator: usable };
  const e = candidates[0];
  if (!e) return { ok: false, reason: `no emulator for ${target.architecture} is registered with binfmt_misc` };
  if (!e.enabled) return { ok: false, reason: `the binfmt_misc entry ${e.name} is disabled` };
  return { ok: false, reason: `the binfmt_misc entry ${e.name} lacks the F (fix-binary) flag, so its interpreter ${e.interpreter} cannot be found inside a container` };
}

/** The one-line remedy: drydock's own command, or the Debian commands it runs. */
export function enableHint(target: Platform): string {
  const name = qemuName(target);
  return `run "drydock setup binfmt" as root, or: apt-get install qemu-user-static binfmt-support && mount -t binfmt_misc binfmt_misc ${BINFMT_DIR} && update-binfmts --enable ${name}`;
}

/** Where qemu-user-static ships its registrations (systemd-binfmt's `:name:type:offset:magic:mask:interpreter:flags`). */
export const QEMU_CONF_DIR = '/usr/lib/binfmt.d';

export interface QemuRegistration {
  name: string;
  architecture?: string;
  /** The line to write to `register`, its flags including F. */
  line: string;
  interpreter: string;
}

/** Parses one binfmt.d line; the magic's `\xNN` escapes stay as they are (the kernel decodes them). */
export function parseBinfmtConf(text: string): QemuRegistration | undefined {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#') && !l.startsWith(';'));
  if (!line) return undefined;
  const fields = line.slice(1).split(line[0]!);
  if (fields.length < 7) return undefined;
  const [name, type, offset, magic, , interpreter, flags = ''] = fields as [string, string, string, string, string, string, string?];
  if (type !== 'M') return undefined;
  const hex = magic.replace(/\\x([0-9a-fA-F]{2})|(.)/gs, (_m, h: string | undefined, c: string | undefined) => h ?? Buffer.from(c!, 'latin1').toString('hex'));
  const withF = flags.includes('F') ? flags : `${flags}F`;
  return { name, architecture: magicArchitecture(Number(offset || 0), hex), interpreter, line: line[0] + [...fields.slice(0, 6), withF].join(line[0]!) };
}

export interface SetupResult {
  /** binfmt_misc was not mounted, and now is. */
  mounted: boolean;
  entries: Array<{ name: string; architecture: string; interpreter: string; action: 'registered' | 'enabled' | 're-registered' | 'present' }>;
}

/**
 * Registers qemu-user-static's emulators with binfmt_misc, each with the F flag, mounting it
 * first if needed; those already usable are left alone, so running it again changes nothing.
 * `architectures` limits it (OCI names: arm64, arm, riscv64…); the host's own are never emulated.
 * Lasts until reboot (binfmt-support's service, when installed, registers Debian's at boot).
 */
export async function setupBinfmt(host: Platform, architectures?: string[], dir: string = BINFMT_DIR, confDir: string = QEMU_CONF_DIR): Promise<SetupResult> {
  const confs = existsSync(confDir) ? readdirSync(confDir).filter((f) => /^qemu-.*\.conf$/.test(f)).sort() : [];
  const regs = confs.map((f) => parseBinfmtConf(readFileSync(path.join(confDir, f), 'utf8')))
    .filter((r): r is QemuRegistration & { architecture: string } => !!r?.architecture)
    .filter((r) => !runsNatively(r.architecture, host));
  if (!regs.length) throw new Error(`no QEMU emulators found in ${confDir}: install Debian's qemu-user-static (apt-get install qemu-user-static)`);
  const wanted = architectures?.length ? regs.filter((r) => architectures.includes(r.architecture)) : regs;
  for (const a of architectures ?? []) {
    if (!regs.some((r) => r.architecture === a)) throw new Error(`qemu-user-static has no emulator for ${a} (it has: ${[...new Set(regs.map((r) => r.architecture))].join(', ')})`);
  }
  let mounted = false;
  if (!registeredEmulators(dir).mounted) {
    const { hostCalls } = await import('../util/syscalls.js');
    await hostCalls().mount('binfmt_misc', dir, '');
    mounted = true;
  }
  const state = registeredEmulators(dir);
  if (!state.enabled) writeFileSync(path.join(dir, 'status'), '1');
  const entries: SetupResult['entries'] = [];
  for (const r of wanted) {
    const have = state.emulators.find((e) => e.name === r.name);
    let action: SetupResult['entries'][number]['action'] = 'registered';
    if (have?.fixBinary && have.enabled) action = 'present';
    else if (have?.fixBinary) {
      writeFileSync(path.join(dir, r.name), '1');
      action = 'enabled';
    } else {
      if (have) writeFileSync(path.join(dir, r.name), '-1'); // removes it: flags cannot be changed in place
      // With F the kernel opens the interpreter now: it must exist (qemu-user-static's symlink).
      writeFileSync(path.join(dir, 'register'), r.line);
      if (have) action = 're-registered';
    }
    entries.push({ name: r.name, architecture: r.architecture, interpreter: r.interpreter, action });
  }
  return { mounted, entries };
}
