/** `drydock setup binfmt` — registers QEMU emulators so RUN works for other architectures (`--platform`). */
import type { Command } from 'commander';

const HELP = `
Mounts binfmt_misc at /proc/sys/fs/binfmt_misc when it is not, then registers each emulator of
Debian's qemu-user-static (/usr/lib/binfmt.d/qemu-*.conf) with the F (fix-binary) flag: the kernel
opens the emulator once, here, so foreign programs run inside an image's rootfs, where the
emulator's path does not exist. Emulators already registered with F are left alone; one without F
is registered again with it. Needs root and qemu-user-static (apt-get install qemu-user-static).
The registration lasts until reboot.

Examples:
  drydock setup binfmt                 every architecture qemu-user-static emulates
  drydock setup binfmt arm64 arm       only linux/arm64 and linux/arm/*
  drydock setup binfmt linux/arm64     platforms are accepted too`;

export function register(program: Command): void {
  const setup = program
    .command('setup')
    .description('Set up the host for drydock (binfmt: QEMU emulation for other architectures)');
  setup
    .command('binfmt')
    .description('Register QEMU user-mode emulators with binfmt_misc (F flag), for RUN under --platform of another architecture')
    .argument('[architectures...]', 'only these (arm64, arm, riscv64, ppc64le, s390x… or linux/arm64); default: all')
    .addHelpText('after', HELP)
    .action(async (archs: string[]) => {
      const [{ setupBinfmt }, { hostPlatform }, { normalizePlatform, parsePlatform }, { DrydockError }, { isRootless }] = await Promise.all([
        import('../../exec/binfmt.js'), import('../../image/oci.js'), import('../../image/platform.js'), import('../../util/errors.js'), import('../../rootless/index.js'),
      ]);
      const wanted = archs.map((a) => normalizePlatform(parsePlatform(a.includes('/') ? a : `linux/${a}`) ?? { os: 'linux', architecture: a }).architecture);
      // Rootless, drydock is root of its own user namespace: what it registered there would vanish with it.
      if (process.getuid?.() !== 0 || isRootless()) throw new DrydockError('USAGE', 'drydock setup binfmt must run as root (sudo drydock setup binfmt): it mounts binfmt_misc and registers emulators for the whole machine');
      const result = await setupBinfmt(hostPlatform(), wanted).catch((e: NodeJS.ErrnoException) => {
        const why = e.code === 'EPERM' || e.code === 'EACCES' ? 'permission denied (needs root outside any user namespace)' : e.message;
        throw new DrydockError('USAGE', `setup binfmt: ${why}`, { cause: e });
      });
      if (result.mounted) process.stdout.write('mounted binfmt_misc at /proc/sys/fs/binfmt_misc\n');
      const words = { registered: 'registered', enabled: 'enabled', 're-registered': 're-registered with the F flag', present: 'already registered' };
      for (const e of result.entries) process.stdout.write(`${e.name} (${e.architecture}): ${words[e.action]}, ${e.interpreter}\n`);
    });
}
