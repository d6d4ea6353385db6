/**
 * The process's standard streams, created only when used: for a pipe, `process.stdout` is a
 * net.Socket (Node loads `net` and its streams to make it), ~2-3 ms of a command that may never
 * print to it, as a `build -q` never touches stderr and prints one line to stdout.
 */
import { writeSync } from 'node:fs';

/**
 * The reader went away (`drydock images | head`). A pipe says EPIPE; a socket, which is what
 * Node's child_process makes for stdio 'pipe', may say ECONNRESET instead when the peer closed
 * with data unread.
 */
function readerGone(code: string | undefined): boolean {
  return code === 'EPIPE' || code === 'ECONNRESET';
}

/** `drydock images | head`: the reader went away; stop quietly, as other CLIs do. */
function onStreamError(e: NodeJS.ErrnoException): void {
  if (readerGone(e.code)) process.exit(0);
  throw e;
}

/** Installs the EPIPE handling on stdout and stderr as each is first created (at once if already are). */
export function quietOnEpipe(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const desc = Object.getOwnPropertyDescriptor(process, name);
    if (!desc?.get || !desc.configurable) {
      process[name].on('error', onStreamError);
      continue;
    }
    const create = desc.get;
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: desc.enumerable,
      get() {
        const stream = create.call(process) as NodeJS.WriteStream;
        Object.defineProperty(process, name, { configurable: true, enumerable: desc.enumerable, get: () => stream });
        stream.on('error', onStreamError);
        return stream;
      },
    });
  }
}

/**
 * Writes `text` to file descriptor 1 directly (Node writes pipes, files and terminals
 * synchronously too, so nothing can overtake it); what a non-blocking pipe does not take at
 * once goes through process.stdout.
 */
export function writeStdout(text: string): void {
  let buf = Buffer.from(text);
  try {
    while (buf.length > 0) buf = buf.subarray(writeSync(1, buf));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (readerGone(code)) process.exit(0);
    if (code !== 'EAGAIN') throw e;
    process.stdout.write(buf);
  }
}
