/**
 * HTTP plumbing shared by the registry client: connection pools, turning socket errors into
 * one-line messages, and the retry policy (connection resets, 5xx, 429: back off and retry).
 */
import { Agent, type Dispatcher } from 'undici';
import { DrydockError, type ErrorCode } from '../util/errors.js';
import { verifyingTlsOptions } from '../util/tls-trust.js';

let verifying: Agent | undefined;
let trusting: Agent | undefined;

/** One pool for verified TLS, one that accepts any certificate (insecure registries). */
export function dispatcher(tlsVerify: boolean): Dispatcher {
  if (tlsVerify) return (verifying ??= new Agent({ connections: 16, connect: verifyingTlsOptions() }));
  return (trusting ??= new Agent({ connections: 16, connect: { rejectUnauthorized: false } }));
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE',
]);

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

/** A socket/TLS failure as one line: `127.0.0.1:5000: connection refused`. */
export function networkError(host: string, e: unknown): DrydockError {
  if (e instanceof DrydockError) return e;
  const code = errCode(e);
  if ((e as Error)?.name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED') {
    return new DrydockError('CANCELLED', `${host}: cancelled`, { cause: e });
  }
  let what: string;
  switch (code) {
    case 'ECONNREFUSED': what = 'connection refused'; break;
    case 'ENOTFOUND': case 'EAI_AGAIN': what = 'no such host'; break;
    case 'ECONNRESET': case 'UND_ERR_SOCKET': case 'EPIPE': what = 'connection reset by peer'; break;
    case 'ETIMEDOUT': case 'UND_ERR_CONNECT_TIMEOUT': what = 'connection timed out'; break;
    case 'UND_ERR_HEADERS_TIMEOUT': case 'UND_ERR_BODY_TIMEOUT': what = 'timed out waiting for the registry'; break;
    case 'EHOSTUNREACH': case 'ENETUNREACH': what = 'network is unreachable'; break;
    default:
      if (isTlsError(e)) {
        what = `TLS handshake failed: ${(e as Error).message} (for a registry with a self-signed certificate, use --tls-verify=false)`;
      } else {
        what = (e as Error)?.message ?? String(e);
      }
  }
  return new DrydockError('REGISTRY', `${host}: ${what}`, { cause: e });
}

/** A registry answered with an unexpected status; `status` lets callers decide to retry. */
export class RegistryHttpError extends DrydockError {
  constructor(code: ErrorCode, message: string, readonly status: number) {
    super(code, message);
  }
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250 };

export function backoff(policy: RetryPolicy, attempt: number, signal?: AbortSignal): Promise<void> {
  const ms = policy.baseDelayMs * 2 ** attempt * (0.75 + Math.random() / 2);
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
