/**
 * Hostile tar archives, built in memory with src/archive's encodeHeader (raw blocks where the
 * codec cannot express the attack), each with what drydock must do with it: refuse it with one
 * clear line, or (where Docker accepts it) unpack it keeping everything inside the destination.
 * Escapes aim at a sentinel directory outside the store (absolute names, `../` chains, symlink
 * targets), so a test only has to check that the sentinel stays empty.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { BLOCK, encodeHeader, padding, type TarHeader } from '../../src/archive/index.js';

/** Where the unpacked archive is seen: a layer's own directory, or files (ADD, a context, an exported rootfs). */
export type TreeKind = 'layer' | 'files';

export interface HostileCase {
  id: string;
  /** One line for docs/reliability.md. */
  what: string;
  /** The uncompressed tar. */
  tar: () => Buffer;
  /** Refused: the one error line matches. Accepted: the unpacked tree (its root) passes the check. */
  expect: Expectation;
  /** Where names climbing above the root stop at it (ADD, as moby's chrootarchive.Untar), when that differs. */
  clamped?: Expectation;
}

export type Expectation = { reject: RegExp } | { accept: (root: string, kind: TreeKind) => void };

/** What `c` must do on a path that clamps climbing names (`clamp`) or refuses them. */
export function expectationFor(c: HostileCase, clamp: boolean): Expectation {
  return clamp && c.clamped ? c.clamped : c.expect;
}

const CLIMB = '../'.repeat(24);

function header(name: string, type: TarHeader['type'], extra: Partial<TarHeader> = {}): TarHeader {
  return { name, type, mode: type === 'directory' ? 0o755 : 0o644, uid: 0, gid: 0, size: 0, mtime: 1_700_000_000, ...extra };
}

/** A tar under construction: entries encoded as Go writes them, plus raw bytes when asked. */
export class TarBuilder {
  private readonly parts: Buffer[] = [];

  file(name: string, content: string | Buffer = 'x', extra: Partial<TarHeader> = {}): this {
    const body = Buffer.from(content);
    this.parts.push(encodeHeader(header(name, 'file', { size: body.length, ...extra })), body, Buffer.alloc(padding(body.length)));
    return this;
  }

  dir(name: string, mode = 0o755): this {
    this.parts.push(encodeHeader(header(name.endsWith('/') ? name : `${name}/`, 'directory', { mode })));
    return this;
  }

  symlink(name: string, target: string): this {
    this.parts.push(encodeHeader(header(name, 'symlink', { linkname: target, mode: 0o777 })));
    return this;
  }

  link(name: string, target: string): this {
    this.parts.push(encodeHeader(header(name, 'link', { linkname: target })));
    return this;
  }

  node(name: string, type: 'char' | 'block' | 'fifo', devmajor = 0, devminor = 0): this {
    this.parts.push(encodeHeader(header(name, type, { devmajor, devminor, mode: 0o600 })));
    return this;
  }

  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }

  /** With the end-of-archive marker. */
  done(): Buffer {
    return Buffer.concat([...this.parts, Buffer.alloc(2 * BLOCK)]);
  }
}

/** A raw header block with any typeflag (the codec only writes the seven entry types). */
export function rawHeader(typeflag: string, name: string, size: number): Buffer {
  const b = encodeHeader(header(name, 'file', { size }));
  b.write(typeflag, 156, 1, 'latin1');
  return withChecksum(b);
}

/** `b` (a header block changed by hand) with its checksum made right again. */
function withChecksum(b: Buffer): Buffer {
  b.fill(' ', 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return b;
}

/** A PAX extended header of `bytes` bytes of records (one huge `comment`), for `name`. */
function hugePax(bytes: number): Buffer {
  // `<len> comment=<A…>\n`: the length counts itself, its digits included.
  const data = Buffer.from(`${bytes} comment=${'A'.repeat(bytes - String(bytes).length - 10)}\n`);
  return Buffer.concat([rawHeader('x', 'PaxHeaders.0/big', data.length), data, Buffer.alloc(padding(data.length))]);
}

/** Cuts a tar `into` bytes into the entry after the first one (its header or its body). */
function truncated(where: 'header' | 'body'): Buffer {
  const whole = new TarBuilder().file('first', 'a'.repeat(100)).file('second', 'b'.repeat(5000)).done();
  const second = 2 * BLOCK; // header + one body block of `first`
  return whole.subarray(0, where === 'header' ? second + 100 : second + BLOCK + 2000);
}

/** sha256 of a tar: a layer's diffID. */
export function diffIDOf(tar: Buffer): `sha256:${string}` {
  return `sha256:${createHash('sha256').update(tar).digest('hex')}`;
}

function isFile(p: string, content?: string): void {
  const st = lstatSync(p);
  assert.ok(st.isFile(), `${p} should be a regular file`);
  if (content !== undefined) assert.equal(readFileSync(p, 'utf8'), content, p);
}

function isLink(p: string, target: string): void {
  assert.ok(lstatSync(p).isSymbolicLink(), `${p} should be a symlink`);
  assert.equal(readlinkSync(p), target);
}

function missing(p: string): void {
  assert.throws(() => lstatSync(p), { code: 'ENOENT' }, `${p} should not exist`);
}

/** The hostile archives aimed at `sentinel` (an absolute directory outside every store). */
export function hostileCases(sentinel: string): HostileCase[] {
  const inside = (root: string) => path.join(root, sentinel);
  const upward = `${CLIMB}${sentinel.slice(1)}`;
  return [
    {
      id: 'dotdot',
      what: '`../../…/tmp/sentinel/pwned`: a name climbing out',
      tar: () => new TarBuilder().file('ok', 'fine').file(`${upward}/pwned`, 'up').done(),
      expect: { reject: /is outside of the destination/ },
      clamped: { accept: (root) => isFile(path.join(inside(root), 'pwned'), 'up') },
    },
    {
      id: 'dotdot-inner',
      what: '`a/b/../../../pwned`: `..` inside a name that climbs one level out',
      tar: () => new TarBuilder().dir('a/b').file('a/b/../../../pwned', 'clamped').done(),
      expect: { reject: /is outside of the destination/ },
      clamped: { accept: (root) => isFile(path.join(root, 'pwned'), 'clamped') },
    },
    {
      id: 'absolute',
      what: '`/tmp/sentinel/pwned`: an absolute name',
      tar: () => new TarBuilder().file(`${sentinel}/pwned`, 'abs').done(),
      expect: { accept: (root) => isFile(path.join(inside(root), 'pwned'), 'abs') },
    },
    {
      id: 'symlink-absolute',
      what: '`evil -> /tmp/sentinel`, then `evil/pwned` written through it',
      tar: () => new TarBuilder().symlink('evil', sentinel).file('evil/pwned', 'through').done(),
      expect: {
        accept: (root) => {
          isLink(path.join(root, 'evil'), sentinel);
          isFile(path.join(inside(root), 'pwned'), 'through');
        },
      },
    },
    {
      id: 'symlink-relative',
      what: '`up -> ../../…/tmp/sentinel` (climbing), then `up/pwned`',
      tar: () => new TarBuilder().symlink('up', upward).file('up/pwned', 'climbed').done(),
      expect: {
        accept: (root) => {
          isLink(path.join(root, 'up'), upward);
          isFile(path.join(inside(root), 'pwned'), 'climbed');
        },
      },
    },
    {
      id: 'symlink-nested',
      what: '`one -> two`, `two -> ../../…/tmp/sentinel`, then `one/pwned` (a symlink to a symlink)',
      tar: () => new TarBuilder().symlink('one', 'two').symlink('two', upward).file('one/pwned', 'nested').done(),
      expect: {
        accept: (root) => {
          isLink(path.join(root, 'one'), 'two');
          isLink(path.join(root, 'two'), upward);
          isFile(path.join(inside(root), 'pwned'), 'nested');
        },
      },
    },
    {
      id: 'dir-then-symlink',
      what: 'directory `d/` (with `d/keep`) replaced by `d -> /tmp/sentinel`, then `d/pwned`',
      // The directory's mode (0777) must not land on whatever the symlink names.
      tar: () => new TarBuilder().dir('d', 0o777).file('d/keep').symlink('d', sentinel).file('d/pwned', 'replaced').done(),
      expect: {
        accept: (root) => {
          isLink(path.join(root, 'd'), sentinel);
          isFile(path.join(inside(root), 'pwned'), 'replaced');
          missing(path.join(inside(root), 'keep'));
        },
      },
    },
    {
      id: 'swap-resolved-parent',
      what: '`s/d/` used as a parent, then replaced through another name (`evil -> /s`, `evil/d -> /tmp/sentinel`), then `s/d/pwned`',
      tar: () => new TarBuilder().dir('s/d', 0o777).file('s/d/f1').symlink('evil', '/s').symlink('evil/d', sentinel).file('s/d/pwned', 'swapped').done(),
      expect: {
        accept: (root) => {
          isLink(path.join(root, 's/d'), sentinel);
          isFile(path.join(inside(root), 'pwned'), 'swapped');
        },
      },
    },
    {
      id: 'hardlink-dotdot',
      what: 'hard link to `../../…/etc/passwd`',
      tar: () => new TarBuilder().link('h', `${CLIMB}etc/passwd`).done(),
      expect: { reject: /is outside of the destination/ },
      clamped: { reject: /no such entry before it in the archive/ },
    },
    {
      id: 'hardlink-absolute',
      what: 'hard link to `/etc/passwd` (not in the archive)',
      tar: () => new TarBuilder().link('h', '/etc/passwd').done(),
      expect: { reject: /no such entry before it in the archive/ },
    },
    {
      id: 'hardlink-parent',
      what: 'hard link to `..`',
      tar: () => new TarBuilder().link('h', '..').done(),
      expect: { reject: /is outside of the destination/ },
      clamped: { reject: /a directory/ },
    },
    {
      id: 'hardlink-self',
      what: 'a file `h`, then a hard link `h` to itself',
      tar: () => new TarBuilder().file('h', 'x').link('h', 'h').done(),
      expect: { reject: /hard link "h" -> "h": no such entry before it in the archive/ },
    },
    {
      id: 'hardlink-via-symlink',
      what: '`sys -> /etc`, then a hard link to `sys/passwd`',
      tar: () => new TarBuilder().symlink('sys', '/etc').link('h', 'sys/passwd').done(),
      expect: { reject: /no such entry before it in the archive/ },
    },
    {
      id: 'symlink-loop',
      what: '`loop -> loop`, then `loop/x`',
      tar: () => new TarBuilder().symlink('loop', 'loop').file('loop/x').done(),
      expect: { reject: /too many levels of symbolic links/i },
    },
    {
      id: 'devices',
      what: 'a char device (1:3) and a block device (7:0)',
      tar: () => new TarBuilder().node('dev/null2', 'char', 1, 3).node('dev/loop9', 'block', 7, 0).done(),
      expect: {
        accept: (root) => {
          const c = statSync(path.join(root, 'dev/null2'));
          assert.ok(c.isCharacterDevice() && c.rdev === 0x103, 'dev/null2 is char 1:3');
          const b = statSync(path.join(root, 'dev/loop9'));
          assert.ok(b.isBlockDevice() && b.rdev === 0x700, 'dev/loop9 is block 7:0');
        },
      },
    },
    {
      id: 'fifo',
      what: 'a FIFO',
      tar: () => new TarBuilder().node('run/pipe', 'fifo').file('run/after', 'after').done(),
      expect: {
        accept: (root) => {
          assert.ok(lstatSync(path.join(root, 'run/pipe')).isFIFO(), 'run/pipe is a FIFO');
          isFile(path.join(root, 'run/after'), 'after');
        },
      },
    },
    {
      id: 'whiteout-through-symlink',
      what: '`evil -> /tmp/sentinel`, then `evil/.wh.pwned` and `evil/.wh..wh..opq`',
      tar: () => new TarBuilder().symlink('evil', sentinel).file('evil/.wh.pwned', '').file('evil/.wh..wh..opq', '').file('fine', 'fine').done(),
      expect: {
        accept: (root, kind) => {
          isLink(path.join(root, 'evil'), sentinel);
          isFile(path.join(root, 'fine'), 'fine');
          // ADD and contexts keep whiteouts as files; a layer turns them into overlay whiteouts.
          if (kind === 'files') isFile(path.join(inside(root), '.wh.pwned'), '');
        },
      },
    },
    {
      id: 'pax-huge',
      what: 'a 20 MB PAX extended header',
      tar: () => new TarBuilder().raw(hugePax(20 << 20)).file('big', 'x').done(),
      expect: { reject: /extended header too large/ },
    },
    {
      id: 'long-path',
      what: 'a 10,000-character path (PAX `path`, 200-character components)',
      tar: () => new TarBuilder().file(`${Array.from({ length: 50 }, (_, i) => `${String(i).padStart(3, '0')}${'d'.repeat(197)}`).join('/')}/f`).done(),
      expect: { reject: /name too long/i },
    },
    {
      id: 'newline',
      what: 'names with newlines (`new\\nline`, `dir\\nname/f`)',
      tar: () => new TarBuilder().file('new\nline', 'nl').file('dir\nname/f', 'nl2').done(),
      expect: {
        accept: (root) => {
          isFile(path.join(root, 'new\nline'), 'nl');
          isFile(path.join(root, 'dir\nname', 'f'), 'nl2');
        },
      },
    },
    {
      id: 'negative-size',
      what: 'a file whose size field is -1 (base-256)',
      tar: () => {
        const b = encodeHeader(header('neg', 'file'));
        b.fill(0xff, 124, 136);
        return new TarBuilder().raw(withChecksum(b)).file('after', 'x').done();
      },
      expect: { reject: /invalid size in tar header/ },
    },
    {
      id: 'file-under-file',
      what: 'a file `f`, then `f/x` under it',
      tar: () => new TarBuilder().file('f', 'x').file('f/x', 'y').done(),
      expect: { reject: /"f" is not a directory/ },
    },
    {
      id: 'truncated-header',
      what: 'a stream cut in the middle of a header',
      tar: () => truncated('header'),
      expect: { reject: /unexpected end of tar archive/ },
    },
    {
      id: 'truncated-body',
      what: 'a stream cut in the middle of a file body',
      tar: () => truncated('body'),
      expect: { reject: /unexpected end of tar archive/ },
    },
  ];
}

/** 100,000 empty files in 100 directories (a real, valid archive). */
export function manyFilesTar(count = 100_000): Buffer {
  const b = new TarBuilder();
  for (let i = 0; i < count; i++) b.file(`many/d${Math.floor(i / 1000)}/f${i}`, '');
  return b.done();
}

/** Counts the regular files under `dir` (no symlinks followed). */
export function countFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countFiles(path.join(dir, e.name));
    else if (e.isFile()) n++;
  }
  return n;
}

/** A tar whose one file `zeros` holds `bytes` zeros, after `prefix` (other entries), streamed: never in memory. */
export function zerosTar(bytes: number, prefix: Buffer = Buffer.alloc(0)): Readable {
  return Readable.from((function* () {
    yield prefix;
    yield encodeHeader(header('zeros', 'file', { size: bytes }));
    const mib = Buffer.alloc(1 << 20);
    for (let left = bytes; left > 0; left -= mib.length) yield left >= mib.length ? mib : mib.subarray(0, left);
    yield Buffer.alloc(padding(bytes) + 2 * BLOCK);
  })());
}

/** `src` compressed: gzip (level 9) in-process, zstd through the zstd tool. */
export async function compress(src: Readable, how: 'gzip' | 'zstd'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  if (how === 'gzip') {
    for await (const c of src.pipe(createGzip({ level: 9 }))) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
  const z = spawn('zstd', ['-q', '-9', '-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
  src.pipe(z.stdin);
  for await (const c of z.stdout) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** sha256 of a stream (a layer's diffID). */
export async function digestStream(src: Readable): Promise<`sha256:${string}`> {
  const h = createHash('sha256');
  for await (const c of src) h.update(c as Buffer);
  return `sha256:${h.digest('hex')}`;
}
