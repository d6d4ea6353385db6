/** Putting a location on errors raised below the planner (expansion, reference parsing). */
import { DrydockError, type ErrorCode } from '../../util/errors.js';
import type { Location } from '../instructions/index.js';

export function planError(message: string, location: Location | undefined, code: ErrorCode = 'PLAN'): DrydockError {
  return new DrydockError(code, message, location ? { location: { file: location.file, line: location.line } } : {});
}

/** Runs `fn`; an error without a location gets `location`. */
export function at<T>(location: Location, fn: () => T, prefix = ''): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DrydockError && !e.location) {
      throw new DrydockError(e.code, prefix + e.message, { location: { file: location.file, line: location.line }, cause: e });
    }
    if (e instanceof Error && !(e instanceof DrydockError) && !isProgrammingError(e)) {
      throw new DrydockError('PLAN', prefix + e.message, { location: { file: location.file, line: location.line }, cause: e });
    }
    throw e;
  }
}

/** Bugs keep their stack trace instead of becoming a user-facing message. */
function isProgrammingError(e: Error): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
}
