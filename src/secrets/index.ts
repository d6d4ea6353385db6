/**
 * Build secrets and ssh agent forwarding (`--secret`, `--ssh`, `RUN --mount=type=secret|ssh`).
 * Contract: a secret's bytes are read only while a RUN uses them and are written only to a
 * private memory-backed file bind-mounted into that RUN (or its env) — never to the store, a
 * layer, a cache key, history or events. An ssh mount is a relay socket to the agent.
 */
export { parseSecretSpec, parseSshSpec, type SecretSource, type SshSource } from './spec.js';
export { SecretStore, secretFile, MAX_SECRET_SIZE, type FileInfo, type TempFile } from './store.js';
export { SshForwarder } from './ssh.js';
export { openSession, type BuildSession } from './session.js';
