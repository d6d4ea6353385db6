/**
 * Global build arguments: the ARGs before the first FROM, evaluated in order against the
 * automatic platform args and each other; `--build-arg` replaces a default (BuildKit's
 * `buildMetaArgs`). Only FROM lines see them unless a stage re-declares the ARG.
 */
import type { ShellLex } from '../shell/index.js';
import type { ArgCommand } from '../instructions/index.js';
import { EnvList } from '../util/envlist.js';
import { at } from './errors.js';

export interface MetaArgs {
  /** The global scope after evaluation. */
  env: EnvList;
  /** Every key a meta ARG declares, with or without a value. */
  declared: Set<string>;
}

export function evalMetaArgs(base: EnvList, lex: ShellLex, metaArgs: readonly ArgCommand[], buildArgs: Readonly<Record<string, string>> | undefined): MetaArgs {
  const env = base.clone();
  const declared = new Set<string>();
  for (const cmd of metaArgs) {
    for (const arg of cmd.args) {
      declared.add(arg.key);
      let value: string | undefined;
      if (buildArgs && Object.hasOwn(buildArgs, arg.key)) value = buildArgs[arg.key];
      else if (arg.value !== undefined) value = at(cmd.location, () => lex.processWord(arg.value!, env.asMap()));
      if (value !== undefined) env.set(arg.key, value);
    }
  }
  return { env, declared };
}
