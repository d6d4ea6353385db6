/**
 * `drydock build`: docker build's flags, thin over `build()`.
 */
import { Command, Option } from 'commander';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  program
    .command('build')
    .description('Build an image from a Dockerfile and a context (a directory, a tar on stdin, or - with a Dockerfile on stdin)')
    .argument('<context>', 'context directory, or - to read a tar context or a Dockerfile from stdin')
    .option('-f, --file <path>', 'Dockerfile (default: CONTEXT/Dockerfile; - reads it from stdin)')
    .option('-t, --tag <name>', 'name and optionally a tag (name:tag); repeatable', collect)
    .option('--target <stage>', 'build this stage (and only the stages it needs)')
    .option('--build-context <name=value>', 'named context for FROM NAME / COPY --from=NAME (replaces a stage NAME): DIR, docker-image://REF, oci-layout://PATH[:TAG|@DIGEST], a git or https URL; repeatable', collect)
    .option('--build-arg <k=v>', 'set a build-time variable; K alone takes its value from the environment; repeatable', collect)
    .option('--label <k=v>', 'set an image label; repeatable', collect)
    .option('--no-cache', 'do not use the build cache')
    .option('--no-cache-filter <stage>', 'do not use the cache for this stage; repeatable', collect)
    .option('--pull', 'always pull base images, even when they are in the local store')
    .addOption(new Option('--network <mode>', 'network for RUN').choices(['default', 'none', 'host']).default('default'))
    .option('--add-host <host:ip>', 'add a line to /etc/hosts of every RUN (HOST:IP or HOST=IP; IP may be host-gateway); repeatable', collect)
    .option('--shm-size <bytes>', 'size of /dev/shm in every RUN, e.g. 256m (default 64m)')
    .option('--ulimit <type=soft[:hard]>', 'resource limit of every RUN, e.g. nofile=1024:2048; repeatable', collect)
    .option('--platform <platform>', 'target platform(s): linux/arm64, or linux/amd64,linux/arm64 for one multi-platform index (RUN for another architecture runs under QEMU: drydock setup binfmt)')
    .option('-o, --output <spec>', 'type=image|registry|docker|oci|tar|local[,dest=PATH][,name=REF][,compression=gzip|zstd|uncompressed]; repeatable', collect)
    .option('--push', 'push the image to its -t names (shorthand for -o type=registry); the local store is not written unless --load')
    .option('--load', 'store the image in the local store (the default when no -o is given; shorthand for -o type=image)')
    .option('--annotation <[type:]k=v>', 'OCI annotation of the image manifest; type manifest (default) or manifest-descriptor, optionally type[os/arch]; repeatable', collect)
    .option('--cache-to <spec>', 'export the build cache: type=registry,ref=REF[,mode=min|max][,mounts=true|ID:ID] | type=local,dest=DIR | type=inline; repeatable', collect)
    .option('--cache-from <spec>', 'import a build cache: REF | type=registry,ref=REF | type=local,src=DIR; repeatable', collect)
    .option('--iidfile <file>', 'write the image ID to the file')
    .option('--metadata-file <file>', 'write build result metadata (JSON) to the file')
    .option('--report <file>', 'write a size report of the image to FILE (.html, .json, else text)')
    .addOption(new Option('--progress <mode>', 'progress output').choices(['auto', 'plain', 'tty', 'quiet', 'rawjson']).default('auto'))
    .option('--explain', 'after the build, say for every step that was not cached which input changed since the earlier build the cache knows (this store or --cache-from, any directory)')
    .option('-q, --quiet', 'print only the image ID')
    .option('--check', 'run the build checks only (like docker build --check): no build; exit 1 on warnings')
    .option('--secret <spec>', 'secret for RUN --mount=type=secret: id=ID,src=FILE or id=ID,env=VAR; repeatable', collect)
    .option('--ssh <spec>', 'ssh agent for RUN --mount=type=ssh: default or ID[=SOCKET|KEY[,KEY]]; repeatable', collect)
    .option('--allow <entitlement>', 'allow an extra privilege: security.insecure, network.host; repeatable', collect)
    .addOption(new Option('--snapshotter <driver>', 'filesystem snapshots (auto: $DRYDOCK_SNAPSHOTTER if set, else probed)').choices(['auto', 'overlay', 'fuse-overlayfs', 'copy']).default('auto'))
    .addHelpText('after', `
Examples:
  drydock build -t app:1 .                                  ./Dockerfile, context .
  drydock build -f docker/Dockerfile --target test .         one stage and only what it needs
  drydock build --build-arg VERSION=2 --label team=core .    build-time variables, labels
  drydock build --no-cache-filter builder .                  rebuild one stage from scratch
  drydock build - < context.tar.gz                           context from stdin (tar, gzip, zstd, …)
  drydock build -f - . < Dockerfile                          Dockerfile from stdin
  drydock build -o type=docker,dest=app.tar -t app:1 .       for docker load / podman load -i
  drydock build -o type=oci,dest=app.oci,compression=zstd .  OCI archive, zstd layers
  drydock build -o type=local,dest=out --target export .     a stage's files as a directory
  drydock build -o type=registry,name=localhost:5000/app:1 . push without storing
  drydock build --push --load -t localhost:5000/app:1 .      push, and keep it in the local store
  drydock build --annotation org.opencontainers.image.source=https://git.example/app -t app:1 .
  drydock build --build-context lib=../lib .                 COPY --from=lib: another directory
  drydock build --build-context golang=docker-image://golang:1.22 .   FROM golang: that image instead
  drydock build --add-host db:10.0.0.5 --shm-size 1g --ulimit nofile=4096 .   RUN containers' hosts, /dev/shm, limits
  drydock build --cache-to type=registry,ref=reg/app:cache,mode=max --cache-from reg/app:cache .
  drydock build --secret id=npmrc,src=$HOME/.npmrc .         RUN --mount=type=secret,id=npmrc
  drydock build --ssh default .                              RUN --mount=type=ssh
  drydock build --explain .                                  why each rebuilt step missed the cache
  drydock build --report size.html -t app:1 .                size report (layers, waste, left behind)
  drydock build --check .                                    build checks only (lint)
  SOURCE_DATE_EPOCH=0 drydock build .                        reproducible timestamps
  drydock build --build-arg SOURCE_DATE_EPOCH=0 .            the same, as a build arg
`)
    .action(async (context: string, o: Record<string, unknown>, cmd: Command) => {
      const { runBuild } = await import('../build-run.js');
      process.exitCode = await runBuild(context, o, cmd.optsWithGlobals().root as string | undefined);
    });
}
