/** What one RUN asks of the executor: the data type between the solver and runc. */

export interface ExtraMount {
  type: 'bind' | 'tmpfs';
  /** Host path for `bind`; ignored for `tmpfs`. */
  source?: string;
  /** Absolute path inside the container. */
  target: string;
  readonly?: boolean;
  /** Extra OCI mount options (e.g. `size=64m`, `mode=1777`). */
  options?: string[];
}

/** `--add-host HOST:IP`: one /etc/hosts line (BuildKit's executor.HostIP). */
export interface HostIP {
  host: string;
  ip: string;
}

/** `--ulimit nofile=1024:2048`: a resource limit of the process (`name` as in go-units: nofile, nproc, …; -1 is unlimited). */
export interface Ulimit {
  name: string;
  soft: number;
  hard: number;
}

export interface RunSpec {
  /** A prepared, mounted root filesystem (from the snapshotter). */
  rootfs: string;
  args: string[];
  /** `K=V`; Docker's default PATH is added when PATH is absent. */
  env: string[];
  /** Working directory inside the container; created if missing, owned by the user. */
  cwd: string;
  /** As in USER: `name`, `uid`, `name:group`, `uid:gid`; default root. */
  user?: string;
  /** Default `buildkitsandbox`, as BuildKit. */
  hostname?: string;
  /** `host` shares the host's network namespace; `none` has only loopback. */
  network: 'host' | 'none';
  mounts?: ExtraMount[];
  /** Lines added to /etc/hosts after the defaults (`--add-host`). */
  extraHosts?: HostIP[];
  /** Size of /dev/shm in bytes (`--shm-size`); default 64 MiB. */
  shmSize?: number;
  /** Replace the default rlimits (`--ulimit`); RLIMIT_NOFILE keeps its default unless given. */
  ulimits?: Ulimit[];
  security?: 'sandbox' | 'insecure';
  stdout?: (chunk: Buffer) => void;
  stderr?: (chunk: Buffer) => void;
  /** Abort kills the container and rejects with DrydockError('CANCELLED'). */
  signal?: AbortSignal;
}

export interface RunResult {
  /** The process's exit status, or 128+n when killed by signal n (as a shell reports it). */
  exitCode: number;
}
