/**
 * `--progress=rawjson`: every BuildEvent as one JSON object per line, exactly as the API's
 * `onEvent` receives it. The schema is docs/events.md.
 */
import type { BuildEvent } from '../../solver/events.js';

export function rawjsonRenderer(write: (s: string) => void): (e: BuildEvent) => void {
  return (e) => write(`${JSON.stringify(e)}\n`);
}
