/** Is the process alive? (EPERM: it exists but is not ours.) Used to tell stale locks and leftovers of a killed drydock. */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
