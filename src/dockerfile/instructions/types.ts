/**
 * Typed Dockerfile instructions (BuildKit's `instructions` package): what each instruction
 * says, flags parsed and validated, words NOT yet expanded (dispatch expands them, because
 * expansion depends on ENV/ARG state at that point of the build).
 */

/** Where an instruction is: 1-based first and last line of its text. */
export interface Location {
  file: string;
  line: number;
  endLine: number;
}

interface Base {
  /** The keyword as written (`copy`, `COPY`): casing lint uses it. */
  name: string;
  /** The instruction text, continuation lines joined, trimmed (BuildKit's `String()`). */
  original: string;
  location: Location;
  /** Comment lines directly above (used by `# check=` per-instruction overrides later). */
  comments: string[];
}

/** `K=V` (noDelim false) or legacy `K V` (noDelim true). */
export interface KeyValue {
  key: string;
  value: string;
  noDelim: boolean;
}

/** ARG: `NAME` or `NAME=default`. */
export interface ArgDef {
  key: string;
  value?: string;
}

/** A heredoc used as a COPY/ADD source: becomes a file named `path`. */
export interface SourceContent {
  path: string;
  data: string;
  /** Expand variables in `data` (delimiter was not quoted). */
  expand: boolean;
}

/** A heredoc attached to RUN (its body is passed to the shell, or run as a script). */
export interface InlineFile {
  name: string;
  data: string;
  chomp: boolean;
}

export interface SourcesAndDest {
  sourcePaths: string[];
  sourceContents: SourceContent[];
  destPath: string;
}

/** RUN/CMD/ENTRYPOINT command line: exec form (`prependShell` false) or one shell string. */
export interface CommandLine {
  cmdLine: string[];
  files: InlineFile[];
  prependShell: boolean;
}

export type NetworkMode = 'default' | 'none' | 'host';
export type SecurityMode = 'sandbox' | 'insecure';

export interface HealthSpec {
  /** `['NONE']`, `['CMD', ...args]` (exec form) or `['CMD-SHELL', cmd]`. */
  test: string[];
  /** Durations in nanoseconds, 0 when not given. */
  interval: number;
  timeout: number;
  startPeriod: number;
  startInterval: number;
  retries: number;
}

export interface EnvCommand extends Base { kind: 'env'; env: KeyValue[] }
export interface LabelCommand extends Base { kind: 'label'; labels: KeyValue[] }
export interface MaintainerCommand extends Base { kind: 'maintainer'; maintainer: string }
export interface WorkdirCommand extends Base { kind: 'workdir'; path: string }
export interface UserCommand extends Base { kind: 'user'; user: string }
export interface VolumeCommand extends Base { kind: 'volume'; volumes: string[] }
export interface StopSignalCommand extends Base { kind: 'stopsignal'; signal: string }
export interface ExposeCommand extends Base { kind: 'expose'; ports: string[] }
export interface ShellCommand extends Base { kind: 'shell'; shell: string[] }
export interface ArgCommand extends Base { kind: 'arg'; args: ArgDef[] }
/** ONBUILD: the trigger text, stored in the image config and run by child builds. */
export interface OnbuildCommand extends Base { kind: 'onbuild'; expression: string }
export interface HealthCheckCommand extends Base { kind: 'healthcheck'; health: HealthSpec }
export interface CmdCommand extends Base, CommandLine { kind: 'cmd' }
export interface EntrypointCommand extends Base, CommandLine { kind: 'entrypoint' }

export interface RunCommand extends Base, CommandLine {
  kind: 'run';
  /** Raw `--mount` values (CSV); parsed with expansion at dispatch (see run-mount.ts). */
  mounts: string[];
  /** `from=` of each mount, unexpanded ('' when absent): the plan's stage dependencies. */
  mountFroms: string[];
  network: NetworkMode;
  security: SecurityMode;
  /** Flag names given (`mount`, `network`, `security`). */
  flagsUsed: string[];
}

export interface CopyCommand extends Base, SourcesAndDest {
  kind: 'copy';
  /** `--from` as written: stage name, stage index or image reference; '' for the context. */
  from: string;
  chown: string;
  chmod: string;
  link: boolean;
  parents: boolean;
  excludes: string[];
}

export interface AddCommand extends Base, SourcesAndDest {
  kind: 'add';
  chown: string;
  chmod: string;
  link: boolean;
  excludes: string[];
  /** Only when the flag was given. */
  keepGitDir?: boolean;
  checksum: string;
  unpack?: boolean;
}

export type Command =
  | EnvCommand | LabelCommand | MaintainerCommand | WorkdirCommand | UserCommand | VolumeCommand
  | StopSignalCommand | ExposeCommand | ShellCommand | ArgCommand | OnbuildCommand
  | HealthCheckCommand | CmdCommand | EntrypointCommand | RunCommand | CopyCommand | AddCommand;

export type CommandKind = Command['kind'];

/** A FROM line and the instructions under it. */
export interface Stage {
  /** Lower-cased `AS` name, if any. */
  name?: string;
  /** The base as written (`alpine:$V`, `scratch`, `build`); expanded by the plan. */
  baseName: string;
  /** `--platform` as written ('' when absent). */
  platform: string;
  /** The FROM keyword as written (casing lint). */
  origCmd: string;
  /** The `AS` keyword as written ('' when absent). */
  asKeyword: string;
  /** The stage name as written (before lower-casing). */
  origName?: string;
  original: string;
  location: Location;
  comments: string[];
  commands: Command[];
}

/** What `parseInstructions` returns: stages in file order plus the ARGs before the first FROM. */
export interface Instructions {
  stages: Stage[];
  metaArgs: ArgCommand[];
}
