/**
 * A tiny HTTP proxy in front of a registry that injects faults: a status code, a dropped
 * connection (before, during or after the registry took the request), a corrupted or stalled
 * body, a request never answered, or rewritten response headers, chosen per request by `rule`.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

export type FaultAction =
  | undefined // forward untouched
  | { status: number; body?: string; headers?: Record<string, string> }
  | 'reset' // destroy the client socket halfway through the request body (at once when it has none)
  | 'reset-after' // forward the whole request to the registry, then drop the connection instead of answering
  | 'hang' // stop reading the request and never answer (a stalled connection)
  | { headers: Record<string, string> } // forward, then overwrite these response headers
  | { delayMs: number } // forward after this long
  | { bytesPerSecond: number } // forward, reading the request body no faster than this
  | 'corrupt' // forward, flipping one byte of the response body
  | 'truncate' // forward headers and half the body, then drop the connection
  | 'stall'; // forward headers and half the body, then hang until the client gives up

export interface FaultRequest {
  method: string;
  path: string;
  /** 1-based count of requests seen so far (all paths). */
  n: number;
  headers: IncomingHttpHeaders;
  /** Date.now() when the request arrived. */
  time: number;
}

export interface FaultProxy {
  host: string;
  url: string;
  requests: FaultRequest[];
  stop(): Promise<void>;
}

export async function startFaultProxy(targetHost: string, rule: (req: FaultRequest) => FaultAction): Promise<FaultProxy> {
  const [targetName, targetPort] = [targetHost.slice(0, targetHost.lastIndexOf(':')), Number(targetHost.slice(targetHost.lastIndexOf(':') + 1))];
  const requests: FaultRequest[] = [];
  let proxyHost = '';
  const server = http.createServer((req, res) => {
    const fr: FaultRequest = { method: req.method ?? 'GET', path: req.url ?? '/', n: requests.length + 1, headers: req.headers, time: Date.now() };
    requests.push(fr);
    const action = rule(fr);
    if (action === 'reset') {
      const half = Number(req.headers['content-length'] ?? 0) / 2;
      if (!(half > 0)) return void req.socket.destroy();
      let got = 0;
      req.on('data', (c: Buffer) => { got += c.length; if (got >= half) req.socket.destroy(); });
      return;
    }
    if (action && typeof action === 'object' && 'delayMs' in action) {
      req.pause();
      setTimeout(() => forward(undefined, req, res), action.delayMs); // pipe() resumes the paused body
      return;
    }
    forward(action, req, res);
  });

  function forward(action: FaultAction, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (action === 'hang') {
      req.pause();
      return;
    }
    if (action && typeof action === 'object' && 'status' in action) {
      req.resume();
      res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers }).end(action.body ?? '');
      return;
    }
    const headers = { ...req.headers }; // Host stays the proxy's, so the registry's URLs point back at us
    const up = http.request({ host: targetName, port: targetPort, method: req.method, path: req.url, headers }, (upRes) => {
      if (action === 'reset-after') {
        upRes.resume();
        upRes.on('end', () => req.socket.destroy());
        return;
      }
      const outHeaders = { ...upRes.headers, ...(action && typeof action === 'object' && 'headers' in action ? action.headers : {}) };
      // Keep redirects and upload locations pointing at the proxy.
      if (typeof outHeaders.location === 'string') outHeaders.location = outHeaders.location.replace(`//${targetHost}`, `//${proxyHost}`);
      res.writeHead(upRes.statusCode ?? 502, outHeaders);
      if (action === 'corrupt' || action === 'truncate' || action === 'stall') {
        const length = Number(upRes.headers['content-length'] ?? 0);
        let seen = 0;
        upRes.pipe(new Transform({
          transform(chunk: Buffer, _enc, cb) {
            const start = seen;
            seen += chunk.length;
            if ((action === 'truncate' || action === 'stall') && seen > length / 2) {
              if (start <= length / 2) {
                res.write(chunk.subarray(0, Math.max(0, Math.floor(length / 2) - start)));
                if (action === 'truncate') res.socket?.destroy();
              }
              cb(); // stall: swallow the rest and never end the response
              return;
            }
            if (action === 'corrupt' && start === 0 && chunk.length > 0) {
              const copy = Buffer.from(chunk);
              copy[0] = copy[0]! ^ 0xff;
              cb(null, copy);
              return;
            }
            cb(null, chunk);
          },
        })).pipe(res, { end: action !== 'stall' });
      } else {
        upRes.pipe(res);
      }
    });
    up.on('error', () => res.destroy());
    if (action && typeof action === 'object' && 'bytesPerSecond' in action) {
      const rate = action.bytesPerSecond;
      req.pipe(new Transform({
        highWaterMark: 0,
        transform(chunk: Buffer, _enc, cb) { setTimeout(() => cb(null, chunk), (chunk.length / rate) * 1000); },
      })).pipe(up);
      return;
    }
    req.pipe(up);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxyHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host: proxyHost,
    url: `http://${proxyHost}`,
    requests,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
