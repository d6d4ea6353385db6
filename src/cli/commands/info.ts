/**
 * `drydock info` — where and how this drydock builds: store, snapshotter (probed once per store
 * and boot, then cached), runtime, rootless or not (with its id maps), default network, and the
 * QEMU emulators binfmt_misc offers for foreign platforms.
 */
import type { Command } from 'commander';

export interface Info {
  store: string;
  snapshotter: string;
  runtime: { name: 'runc'; version?: string; root: string; rootless: boolean };
  rootless: boolean;
  /** The host uid mapped to root, and the namespace's id maps as "inside:outside:count". */
  userNamespace?: { hostUid?: number; uidMap: string[]; gidMap: string[] };
  network: string;
  emulators: Array<{ name: string; architecture?: string; interpreter: string; enabled: boolean; fixBinary: boolean }>;
}

async function gather(root?: string): Promise<Info> {
  const [{ defaultRoot }, { openSnapshotter }, rootless, runc, { registeredEmulators }, { runTool }, { USERXATTR }] = await Promise.all([
    import('../../store/index.js'), import('../../snapshot/snapshotter.js'), import('../../rootless/env.js'),
    import('../../exec/runc.js'), import('../../exec/binfmt.js'), import('../../util/tool.js'), import('../../snapshot/xattr.js'),
  ]);
  const store = root ?? defaultRoot();
  const snap = await openSnapshotter(store);
  const inNs = rootless.inUserNamespace();
  const version = await runTool('runc', ['--version']).then((r) => /runc version (\S+)/.exec(r.stdout.toString())?.[1], () => undefined);
  const maps = rootless.idMaps();
  const fmt = (m: Array<{ inside: number; outside: number; count: number }>) => m.map((x) => `${x.inside}:${x.outside}:${x.count}`);
  const binfmt = registeredEmulators();
  return {
    store,
    snapshotter: snap.driver === 'overlay' && USERXATTR ? 'overlay (userxattr)' : snap.driver,
    runtime: { name: 'runc', ...(version ? { version } : {}), root: runc.RUNC_ROOT, rootless: inNs },
    rootless: inNs,
    ...(inNs ? { userNamespace: { ...(rootless.rootlessUid() !== undefined ? { hostUid: rootless.rootlessUid() } : {}), uidMap: fmt(maps.uid), gidMap: fmt(maps.gid) } } : {}),
    // Rootless BuildKit's default too (--oci-worker-net=host): RUN shares the host's network namespace.
    network: 'host (RUN --network=none: loopback only)',
    emulators: binfmt.emulators.map((e) => ({ name: e.name, ...(e.architecture ? { architecture: e.architecture } : {}), interpreter: e.interpreter, enabled: binfmt.enabled && e.enabled, fixBinary: e.fixBinary })),
  };
}

function text(i: Info): string {
  const lines = [
    `Store:        ${i.store}`,
    `Snapshotter:  ${i.snapshotter}`,
    `Runtime:      runc${i.runtime.version ? ` ${i.runtime.version}` : ' (not found)'}${i.runtime.rootless ? ' --rootless' : ''}, state in ${i.runtime.root}`,
    `Rootless:     ${i.rootless ? `yes${i.userNamespace?.hostUid !== undefined ? ` (uid ${i.userNamespace.hostUid})` : ''}` : 'no'}`,
  ];
  if (i.userNamespace) lines.push(`  uid map:    ${i.userNamespace.uidMap.join(', ')}`, `  gid map:    ${i.userNamespace.gidMap.join(', ')}`);
  lines.push(`Network:      ${i.network}`);
  const emus = i.emulators.filter((e) => e.architecture);
  lines.push(`Emulators:    ${emus.length ? emus.map((e) => `${e.architecture} (${e.name}${e.fixBinary ? '' : ', no F flag'}${e.enabled ? '' : ', disabled'})`).join(', ') : 'none'}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('info')
    .description('Show the store, snapshotter, runtime, rootless mode and QEMU emulators')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; json?: boolean }>();
      const info = await gather(opts.root);
      process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : text(info));
    });
}
