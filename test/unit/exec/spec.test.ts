import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRuntimeSpec, DEFAULT_CAPS, DEFAULT_PATH, withDefaultPath, type SpecInput } from '../../../src/exec/spec.js';
import { hostsFile, resolvConf } from '../../../src/exec/netfiles.js';

const input: SpecInput = {
  rootfs: '/r', args: ['sh'], env: ['A=1'], cwd: '/', uid: 1, gid: 2, additionalGids: [2, 3], hostname: 'h',
  network: 'host', security: 'sandbox', resolvConfPath: '/b/resolv.conf', hostsPath: '/b/hosts', mounts: [], nofile: 1024,
};

type Spec = {
  process: { env: string[]; capabilities: { bounding: string[] }; user: unknown };
  mounts: Array<{ destination: string; type: string; options: string[]; source: string }>;
  linux: { namespaces: Array<{ type: string }>; maskedPaths: string[]; readonlyPaths: string[] };
};

test('default PATH is added only when the env has none', () => {
  assert.deepEqual(withDefaultPath(['A=1']), ['A=1', `PATH=${DEFAULT_PATH}`]);
  assert.deepEqual(withDefaultPath(['PATH=/x']), ['PATH=/x']);
});

test('sandbox spec: Docker default capabilities, masked paths, read-only /sys, host network shares the namespace', () => {
  const s = buildRuntimeSpec(input) as unknown as Spec;
  assert.deepEqual(s.process.capabilities.bounding, DEFAULT_CAPS);
  assert.equal(s.process.capabilities.bounding.includes('CAP_SYS_ADMIN'), false);
  assert.deepEqual(s.process.user, { uid: 1, gid: 2, additionalGids: [2, 3] });
  assert.deepEqual(s.linux.namespaces.map((n) => n.type).sort(), ['ipc', 'mount', 'pid', 'uts']);
  assert.ok(s.linux.maskedPaths.includes('/proc/kcore'));
  assert.ok(s.linux.readonlyPaths.includes('/proc/sys'));
  const sys = s.mounts.find((m) => m.destination === '/sys');
  assert.ok(sys?.options.includes('ro'));
  const hosts = s.mounts.find((m) => m.destination === '/etc/hosts');
  assert.equal(hosts?.source, '/b/hosts');
  assert.ok(hosts?.options.includes('ro'));
  assert.equal(s.mounts.some((m) => m.destination === '/run'), false);
});

test('network none gets its own namespace; insecure gets every capability and no masks', () => {
  const none = buildRuntimeSpec({ ...input, network: 'none' }) as unknown as Spec;
  assert.ok(none.linux.namespaces.some((n) => n.type === 'network'));
  const insecure = buildRuntimeSpec({ ...input, security: 'insecure' }) as unknown as Spec;
  assert.ok(insecure.process.capabilities.bounding.includes('CAP_SYS_ADMIN'));
  assert.deepEqual(insecure.linux.maskedPaths, []);
  assert.ok(insecure.mounts.find((m) => m.destination === '/sys')?.options.includes('rw'));
});

test('extra mounts: bind with source, tmpfs', () => {
  const s = buildRuntimeSpec({ ...input, mounts: [{ type: 'bind', source: '/src', target: '/m', readonly: true }, { type: 'tmpfs', target: '/t' }] }) as unknown as Spec;
  assert.deepEqual(s.mounts.at(-2), { destination: '/m', type: 'bind', source: '/src', options: ['rbind', 'ro'] });
  assert.equal(s.mounts.at(-1)?.type, 'tmpfs');
  assert.throws(() => buildRuntimeSpec({ ...input, mounts: [{ type: 'bind', target: '/m' }] }), /no source/);
});

test('hosts file as BuildKit writes it', () => {
  assert.equal(hostsFile('buildkitsandbox'), '127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n');
});

test('resolv.conf: loopback servers dropped without host network, Docker defaults when none is left', () => {
  const host = 'nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch example.com\noptions edns0 trust-ad\n';
  assert.equal(resolvConf(host, 'host'), host);
  assert.equal(resolvConf(host, 'none'), 'nameserver 10.0.0.2\nsearch example.com\noptions edns0 trust-ad\n');
  assert.equal(
    resolvConf('nameserver 127.0.0.1\nnameserver ::1\n', 'none'),
    'nameserver 8.8.8.8\nnameserver 8.8.4.4\nnameserver 2001:4860:4860::8888\nnameserver 2001:4860:4860::8844\n',
  );
  assert.equal(resolvConf('', 'host'), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\nnameserver 2001:4860:4860::8888\nnameserver 2001:4860:4860::8844\n');
});
