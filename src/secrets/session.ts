/**
 * What a build lends its RUN steps for their duration only: secrets and ssh agents. Opened by
 * `build()` from its options, validated before any step runs, closed when the build ends.
 */
import { SecretStore } from './store.js';
import { SshForwarder } from './ssh.js';
import type { SecretSource, SshSource } from './spec.js';

export interface BuildSession {
  secrets: SecretStore;
  ssh: SshForwarder;
  close(): Promise<void>;
}

export async function openSession(opts: { secrets?: SecretSource[]; ssh?: SshSource[]; env?: NodeJS.ProcessEnv }): Promise<BuildSession> {
  const secrets = new SecretStore(opts.secrets, opts.env);
  const ssh = new SshForwarder(opts.ssh, opts.env);
  await secrets.validate();
  await ssh.validate();
  return { secrets, ssh, close: () => ssh.close() };
}
