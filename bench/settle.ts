/**
 * Making a reset's deletions harmless to the next timed build.
 *
 * On an ext4 filesystem without a journal (as this VM's root is), allocating an inode skips,
 * one check at a time, every inode of the block group freed in the last 60 s, or 360 s when its
 * inode-table block is dirty (fs/ext4/ialloc.c, recently_deleted(); it is only consulted for
 * blocks in the buffer cache). After a reset deleted 20,000 files, creating 20,000 new ones
 * nearby costs ~10x more kernel CPU (perf: find_inode_bit -> recently_deleted), and the next
 * build's own writes keep those blocks dirty: waiting a minute is not enough, and which builder
 * pays depends on where its directories land. So after a reset the bench syncs, drops the
 * clean page cache (the inode tables with it) and reads the builders' stores, contexts and
 * tools back in, so that both start from the same warm cache without the recency penalty.
 */
import { readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './measure.js';

/** True when `dir` is on an ext4 filesystem without a journal (where recently_deleted applies). */
export function ext4WithoutJournal(dir: string): boolean {
  try {
    const dev = statSync(dir).dev;
    const major = Math.floor(dev / 256) & 0xfff;
    const minor = (dev & 0xff) | (Math.floor(dev / 4096) & ~0xff);
    const name = path.basename(readlinkSync(`/sys/dev/block/${major}:${minor}`));
    return readFileSync(`/sys/fs/ext4/${name}/journal_task`, 'utf8').trim() === '<none>';
  } catch {
    return false; // not ext4, or no such sysfs entries
  }
}

/** sync; drop the clean page cache; read every file under `warm` (and each tool binary) back in. */
export async function settleFilesystem(warm: string[]): Promise<void> {
  await run(['sync']);
  writeFileSync('/proc/sys/vm/drop_caches', '1');
  for (const dir of warm) {
    await run(['sh', '-c', 'find "$1" -xdev -type f -print0 | xargs -0 -r cat > /dev/null', 'sh', dir]);
  }
}
