/** Platform matching for multi-platform indexes, as containerd's default matcher does it. */
import type { Descriptor, Platform } from './oci.js';

export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() || undefined;
  if (architecture === 'x86_64' || architecture === 'x86-64') architecture = 'amd64';
  if (architecture === 'aarch64') architecture = 'arm64';
  if (architecture === 'arm64' && (variant === undefined || variant === '8')) variant = 'v8';
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (architecture === 'arm' && variant === undefined) variant = 'v7';
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Parses 'linux/amd64' or 'linux/arm64/v8'. */
export function parsePlatform(s: string): Platform | undefined {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((x) => x === '')) return undefined;
  return { os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) };
}

export function platformMatches(want: Platform, have: Platform | undefined): boolean {
  if (!have) return false;
  const w = normalizePlatform(want);
  const h = normalizePlatform(have);
  return w.os === h.os && w.architecture === h.architecture && (w.variant ?? '') === (h.variant ?? '');
}

/** True for BuildKit attestation manifests, which are index entries but not images. */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'
    || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
}
