/**
 * The executor: runs one process in a runc container over a prepared rootfs, the way BuildKit's
 * runc executor runs a RUN (namespaces, mounts, capabilities, masked paths, /etc/hosts and
 * /etc/resolv.conf bind-mounted and kept out of the layer). It knows nothing of Dockerfiles or
 * layers: it gets a RunSpec, streams output, and returns the exit code.
 */
export type { ExtraMount, HostIP, RunResult, RunSpec, Ulimit } from './types.js';
export { runContainer, sweepOrphanContainers, RUNC_ROOT } from './runc.js';
export { resolveUser, type ResolvedUser } from './user.js';
export { DEFAULT_PATH, buildRuntimeSpec } from './spec.js';
export { DEFAULT_HOSTNAME } from './netfiles.js';
