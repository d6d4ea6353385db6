/**
 * Where binfmt_misc is not mounted for us to read (a container on a host that registered QEMU),
 * the kernel may still emulate: as BuildKit's util/archutil does, run a tiny static program of
 * that architecture that exits 42 and see whether it did. Made here, a few bytes per
 * architecture: one ELF header, one loadable segment, and exit(42) in that machine's code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface Program {
  is64: boolean;
  machine: number;
  flags: number;
  /** Little-endian 32-bit instruction words. */
  code: number[];
}

const EXIT_CODE = 42;
const PROGRAMS: Record<string, Program> = {
  // mov x0, #42; mov x8, #93 (exit); svc #0
  arm64: { is64: true, machine: 0xb7, flags: 0, code: [0xd2800540, 0xd2800ba8, 0xd4000001] },
  // mov r0, #42; mov r7, #1 (exit); svc #0 (EABI version 5)
  arm: { is64: false, machine: 0x28, flags: 0x05000000, code: [0xe3a0002a, 0xe3a07001, 0xef000000] },
  // li a0, 42; li a7, 93 (exit); ecall
  riscv64: { is64: true, machine: 0xf3, flags: 0, code: [0x02a00513, 0x05d00893, 0x00000073] },
};

/** A static little-endian ELF executable of `p`. */
export function probeElf(p: Program): Buffer {
  const ehsize = p.is64 ? 64 : 52;
  const phsize = p.is64 ? 56 : 32;
  const base = p.is64 ? 0x400000 : 0x10000;
  const size = ehsize + phsize + p.code.length * 4;
  const b = Buffer.alloc(size);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = p.is64 ? 2 : 1; // class
  b[5] = 1; // little-endian
  b[6] = 1; // version
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(p.machine, 18);
  b.writeUInt32LE(1, 20);
  const entry = base + ehsize + phsize;
  if (p.is64) {
    b.writeBigUInt64LE(BigInt(entry), 24);
    b.writeBigUInt64LE(BigInt(ehsize), 32); // e_phoff
    b.writeUInt32LE(p.flags, 48);
    b.writeUInt16LE(ehsize, 52);
    b.writeUInt16LE(phsize, 54);
    b.writeUInt16LE(1, 56);
    const ph = ehsize;
    b.writeUInt32LE(1, ph); // PT_LOAD
    b.writeUInt32LE(5, ph + 4); // R+X
    b.writeBigUInt64LE(BigInt(base), ph + 16);
    b.writeBigUInt64LE(BigInt(base), ph + 24);
    b.writeBigUInt64LE(BigInt(size), ph + 32);
    b.writeBigUInt64LE(BigInt(size), ph + 40);
    b.writeBigUInt64LE(0x1000n, ph + 48);
  } else {
    b.writeUInt32LE(entry, 24);
    b.writeUInt32LE(ehsize, 28); // e_phoff
    b.writeUInt32LE(p.flags, 36);
    b.writeUInt16LE(ehsize, 40);
    b.writeUInt16LE(phsize, 42);
    b.writeUInt16LE(1, 44);
    const ph = ehsize;
    b.writeUInt32LE(1, ph); // PT_LOAD
    b.writeUInt32LE(base, ph + 8);
    b.writeUInt32LE(base, ph + 12);
    b.writeUInt32LE(size, ph + 16);
    b.writeUInt32LE(size, ph + 20);
    b.writeUInt32LE(5, ph + 24); // R+X
    b.writeUInt32LE(0x1000, ph + 28);
  }
  p.code.forEach((w, i) => b.writeUInt32LE(w, ehsize + phsize + i * 4));
  return b;
}

/** Runs `architecture`'s probe: true if it ran; undefined when drydock has no probe for it. */
export function probeArchitecture(architecture: string): boolean | undefined {
  const p = PROGRAMS[architecture];
  if (!p) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'drydock-binfmt-probe-'));
  try {
    const file = path.join(dir, `probe-${architecture}`);
    writeFileSync(file, probeElf(p), { mode: 0o755 });
    const r = spawnSync(file, [], { stdio: 'ignore', timeout: 10_000 });
    return !r.error && r.status === EXIT_CODE;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
