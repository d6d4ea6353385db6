/**
 * The two parts of undici the registry client uses, an Agent and request(), loaded alone:
 * `import 'undici'` compiles all of it (fetch, WebSocket, caches, mocks: ~0.3 s wall, 0.09 s CPU
 * on every pull, push and cache export), these about a third (docs/benchmarks.md, "Cache export
 * cost"). undici has no "exports" map, so its files can be named; the types are undici's own.
 */
import type * as Undici from 'undici';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import api from 'undici/lib/api/index.js';

// What undici's index.js does: request() and friends as methods of every dispatcher.
if (!('request' in DispatcherClass.prototype)) Object.assign(DispatcherClass.prototype, api);

export const Agent = AgentClass as typeof Undici.Agent;

type RequestOptions = NonNullable<Parameters<typeof Undici.request>[1]> & { dispatcher: Undici.Dispatcher };

/** undici's request(url, opts) for a given dispatcher (the client always names one). */
export function request(url: string | URL, opts: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const u = typeof url === 'string' ? new URL(url) : url;
  const { dispatcher, ...rest } = opts;
  return dispatcher.request({ ...rest, origin: u.origin, path: u.search ? `${u.pathname}${u.search}` : u.pathname, method: rest.method ?? 'GET' } as Undici.Dispatcher.RequestOptions);
}
