/** Platforms as Dockerfiles see them: `--platform` values and the automatic platform ARGs. */
import type { Platform } from '../../image/oci.js';
import { hostPlatform } from '../../image/oci.js';
import { normalizePlatform } from '../../image/platform.js';

const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'illumos', 'ios', 'js', 'linux', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows']);

/** containerd's `platforms.Parse` + Normalize: `linux/arm/v7`, `linux/amd64`, `arm64`, `linux`. */
export function parsePlatformSpec(spec: string): Platform {
  const parts = spec.split('/');
  const bad = (): never => {
    throw new Error(`"${spec}": unknown operating system or architecture: invalid argument`);
  };
  if (parts.length > 3 || parts.some((p) => p === '' || !/^[A-Za-z0-9_.-]+$/.test(p))) bad();
  let p: Platform;
  if (parts.length === 1) {
    const word = parts[0]!.toLowerCase();
    p = KNOWN_OS.has(word) ? { os: word, architecture: hostPlatform().architecture } : { os: 'linux', architecture: word };
  } else {
    p = { os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) };
  }
  const n = normalizePlatform(p);
  // containerd's Normalize drops arm64's default variant
  if (n.architecture === 'arm64' && n.variant === 'v8') delete n.variant;
  return n;
}

/** containerd's `platforms.Format`: `os/arch[/variant]`. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((x) => x).join('/');
}

/** The automatic ARGs BuildKit defines in the global scope (overridable by --build-arg). */
export function platformArgs(build: Platform, target: Platform, targetStage: string, overrides: Record<string, string>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [
    ['BUILDPLATFORM', formatPlatform(build)],
    ['BUILDOS', build.os],
    ['BUILDOSVERSION', build['os.version'] ?? ''],
    ['BUILDARCH', build.architecture],
    ['BUILDVARIANT', build.variant ?? ''],
    ['TARGETPLATFORM', formatPlatform(target)],
    ['TARGETOS', target.os],
    ['TARGETOSVERSION', target['os.version'] ?? ''],
    ['TARGETARCH', target.architecture],
    ['TARGETVARIANT', target.variant ?? ''],
    ['TARGETSTAGE', targetStage || 'default'],
  ];
  return pairs.map(([k, v]) => [k, Object.hasOwn(overrides, k) ? overrides[k]! : v]);
}

export const PLATFORM_ARG_NAMES: readonly string[] = platformArgs(hostPlatform(), hostPlatform(), '', {}).map(([k]) => k);

/** Proxy build args: usable without an ARG, passed to RUN, not counted as unused. */
export const PROXY_ARG_NAMES: readonly string[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
];

/** BuildKit's `proxyEnvFromBuildArgs` + the executor's `proxyEnvList`: both casings of each. */
export function proxyEnv(buildArgs: Record<string, string>): string[] {
  const found: Record<string, string> = {};
  for (const k of Object.keys(buildArgs).sort()) {
    const lk = k.toLowerCase();
    if (['http_proxy', 'https_proxy', 'ftp_proxy', 'no_proxy', 'all_proxy'].includes(lk)) found[lk] = buildArgs[k]!;
  }
  const out: string[] = [];
  for (const lk of ['http_proxy', 'https_proxy', 'ftp_proxy', 'no_proxy', 'all_proxy']) {
    const v = found[lk];
    if (v) out.push(`${lk.toUpperCase()}=${v}`, `${lk}=${v}`);
  }
  return out;
}
