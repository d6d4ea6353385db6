/** SecretsUsedInArgOrEnv: ARG/ENV names that look like they hold credentials. */
import type { Location } from '../instructions/index.js';
import type { DispatchState } from './state.js';

const DENY = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const ALLOW = /(?:_|^)(?:public|file|version)(?:_|$)/i;

export function checkSecretKey(d: DispatchState, instruction: 'ARG' | 'ENV', key: string, location: Location): void {
  if (DENY.test(key) && !ALLOW.test(key)) d.lint.report('SecretsUsedInArgOrEnv', location, instruction, key);
}
