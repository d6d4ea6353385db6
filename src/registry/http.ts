/**
 * HTTP plumbing shared by the registry client: connection pools, turning socket errors into
 * one-line messages, the retry policy (connection resets, stalls, 5xx, 429: back off and retry,
 * honouring a bounded Retry-After) and the idle timeout that turns a stalled connection into one.
 */
import { Transform, type Readable } from 'node:stream';
import type { Agent as AgentType, Dispatcher } from 'undici';
import { Agent } from './undici.js';
import { DrydockError, type ErrorCode } from '../util/errors.js';
import { verifyingTlsOptions } from '../util/tls-trust.js';

let verifying: AgentType | undefined;
let trusting: AgentType | undefined;

/** One pool for verified TLS, one that accepts any certificate (insecure registries). */
export function dispatcher(tlsVerify: boolean): Dispatcher {
  if (tlsVerify) return (verifying ??= new Agent({ connections: 16, connect: verifyingTlsOptions() }));
  return (trusting ??= new Agent({ connections: 16, connect: { rejectUnauthorized: false } }));
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE', 'DRYDOCK_STALLED',
]);

/** No byte either way for this long is a stalled connection (`registry-timeout`, DRYDOCK_REGISTRY_TIMEOUT). */
export const DEFAULT_TIMEOUT_MS = 300_000;

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** An AbortController that fires when `reset()` is not called for `ms` (the idle timeout). */
export class Watchdog {
  private readonly ctl = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(private readonly ms: number) {
    this.reset();
  }

  get signal(): AbortSignal {
    return this.ctl.signal;
  }

  reset(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.ctl.abort(Object.assign(new Error(`no response for ${seconds(this.ms)}`), { code: 'DRYDOCK_STALLED' }));
    }, this.ms);
  }

  clear(): void {
    clearTimeout(this.timer);
  }

  /** `src` passed through, each chunk read from it counting as progress. */
  tap(src: Readable): Readable {
    const out = new Transform({ transform: (chunk, _enc, cb) => { this.reset(); cb(null, chunk); } });
    src.on('error', (e) => out.destroy(e));
    return src.pipe(out);
  }
}

function errCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isRetryableNetworkError(e: unknown): boolean {
  if (e instanceof DrydockError) return false;
  const code = errCode(e);
  return code !== undefined && RETRYABLE_CODES.has(code);
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

export function isTlsError(e: unknown): boolean {
  const code = errCode(e) ?? '';
  return /^(ERR_SSL|ERR_TLS|EPROTO|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/.test(code)
    || /wrong version number|ssl|tls/i.test((e as Error)?.message ?? '');
}

/**
 * A socket/TLS failure as one line: `127.0.0.1:5000: upload blob sha256:…: connection refused`.
 * `timeoutMs` names the idle timeout in stall messages.
 */
export function networkError(host: string, e: unknown, what?: string, timeoutMs?: number): DrydockError {
  if (e instanceof DrydockError) return e;
  const prefix = what ? `${host}: ${what}` : host;
  const code = errCode(e);
  if ((e as Error)?.name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED') {
    return new DrydockError('CANCELLED', `${prefix}: cancelled`, { cause: e });
  }
  let message: string;
  switch (code) {
    case 'ECONNREFUSED': message = 'connection refused'; break;
    case 'ENOTFOUND': case 'EAI_AGAIN': message = 'no such host'; break;
    case 'ECONNRESET': case 'UND_ERR_SOCKET': case 'EPIPE': message = 'connection reset by peer'; break;
    case 'ETIMEDOUT': case 'UND_ERR_CONNECT_TIMEOUT': message = 'connection timed out'; break;
    case 'DRYDOCK_STALLED': case 'UND_ERR_HEADERS_TIMEOUT': case 'UND_ERR_BODY_TIMEOUT':
      message = timeoutMs ? `no response for ${seconds(timeoutMs)} (registry timeout)` : 'timed out waiting for the registry';
      break;
    case 'EHOSTUNREACH': case 'ENETUNREACH': message = 'network is unreachable'; break;
    default:
      if (isTlsError(e)) {
        message = `TLS handshake failed: ${(e as Error).message} (for a registry with a self-signed certificate, use --tls-verify=false)`;
      } else {
        message = (e as Error)?.message ?? String(e);
      }
  }
  return new DrydockError('REGISTRY', `${prefix}: ${message}`, { cause: e });
}

/** A registry answered with an unexpected status; `status` lets callers decide to retry. */
export class RegistryHttpError extends DrydockError {
  constructor(code: ErrorCode, message: string, readonly status: number, readonly retryAfterMs?: number) {
    super(code, message);
  }
}

/** A Retry-After longer than this is not waited for: the push fails, saying when to retry. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Retry-After (delay-seconds or an HTTP date) in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const v = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** `message (after 5 attempts)`: what a bounded retry gave up on. */
export function afterAttempts(e: unknown, attempts: number): unknown {
  if (!(e instanceof DrydockError) || attempts < 2) return e;
  const message = `${e.message} (after ${attempts} attempts)`;
  if (e instanceof RegistryHttpError) return new RegistryHttpError(e.code, message, e.status, e.retryAfterMs);
  return new DrydockError(e.code, message, { cause: e.cause ?? e, exitCode: e.exitCode });
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250 };

/** Waits before retry `attempt`: exponential with jitter, and at least `minMs` (a Retry-After). */
export function backoff(policy: RetryPolicy, attempt: number, signal?: AbortSignal, minMs = 0): Promise<void> {
  const ms = Math.max(minMs, policy.baseDelayMs * 2 ** attempt * (0.75 + Math.random() / 2));
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DrydockError('CANCELLED', 'cancelled'));
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(new DrydockError('CANCELLED', 'cancelled')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The `errors` array the distribution spec puts in error bodies, as one short string. */
export function registryErrorText(body: string): { codes: string[]; text: string } {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> };
    if (Array.isArray(parsed.errors) && parsed.errors.length) {
      const codes = parsed.errors.map((e) => e.code ?? '').filter(Boolean);
      const text = parsed.errors.map((e) => e.message || (e.code ?? '').toLowerCase().replace(/_/g, ' ')).join('; ');
      return { codes, text };
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return { codes: [], text: body.trim().split('\n')[0]!.slice(0, 200) };
}
