import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRuntimeError } from './errors.ts';
import { clampRlimits } from './host-limits.ts';
import { DEFAULT_CAPABILITIES, MASKED_PATHS, READONLY_PATHS } from './oci-defaults.ts';
import { buildOciSpec, EXPOSED_PORTS_ANNOTATION } from './oci-spec.ts';
import type { BuildSpecInput } from './oci-spec.ts';
import { parseGroup, parsePasswd, userDbFrom } from './user-spec.ts';

const users = userDbFrom(parsePasswd('root:x:0:0::/root:/bin/sh\nnginx:x:101:101::/:/bin/false\n'), parseGroup('root:x:0:\nnginx:x:101:\n'));

function input(over: Partial<BuildSpecInput> = {}): BuildSpecInput {
  return {
    image: { Entrypoint: ['/docker-entrypoint.sh'], Cmd: ['nginx', '-g', 'daemon off;'], Env: ['PATH=/usr/sbin:/usr/bin', 'NGINX_VERSION=1.25'], WorkingDir: '/srv', User: 'nginx', ExposedPorts: { '80/tcp': {}, '443/tcp': {} } },
    container: { name: 'web' },
    pod: { hostname: 'web-7d9f' },
    users,
    ...over,
  };
}

test('a plain container: process from the image, defaults from runc and containerd', () => {
  const spec = buildOciSpec(input());
  assert.equal(spec.ociVersion, '1.0.2');
  assert.deepEqual(spec.process.args, ['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']);
  assert.deepEqual(spec.process.env, ['PATH=/usr/sbin:/usr/bin', 'HOSTNAME=web-7d9f', 'NGINX_VERSION=1.25']);
  assert.equal(spec.process.cwd, '/srv');
  assert.deepEqual(spec.process.user, { uid: 101, gid: 101 });
  assert.equal(spec.process.terminal, false);
  assert.equal(spec.process.noNewPrivileges, true);
  assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 1_048_576, soft: 1_048_576 }]);
  assert.deepEqual(spec.process.capabilities.bounding, DEFAULT_CAPABILITIES);
  assert.deepEqual(spec.process.capabilities.effective, DEFAULT_CAPABILITIES);
  assert.deepEqual(spec.process.capabilities.inheritable, []);
  assert.equal(spec.hostname, 'web-7d9f');
  assert.deepEqual(spec.root, { path: 'rootfs', readonly: false });
  assert.deepEqual(spec.mounts.map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup']);
  assert.ok(spec.mounts.find((m) => m.destination === '/sys')?.options.includes('ro'));
  assert.ok(spec.mounts.find((m) => m.destination === '/sys/fs/cgroup')?.options.includes('ro'));
  assert.deepEqual(spec.linux.namespaces, [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }]);
  assert.deepEqual(spec.linux.maskedPaths, MASKED_PATHS);
  assert.deepEqual(spec.linux.readonlyPaths, READONLY_PATHS);
  assert.deepEqual(spec.linux.resources, { devices: [{ allow: false, access: 'rwm' }], cpu: { shares: 2 } });
  assert.equal(spec.annotations?.[EXPOSED_PORTS_ANNOTATION], '443/tcp,80/tcp');
  assert.equal(spec.linux.cgroupsPath, undefined);
});

test('container spec: command, env, workingDir, securityContext, resources', () => {
  const spec = buildOciSpec(input({
    container: {
      name: 'web',
      command: ['/bin/sh', '-c'],
      args: ['echo $(GREETING) from $(HOSTNAME)'],
      env: [{ name: 'GREETING', value: 'hi' }, { name: 'NGINX_VERSION', value: 'pod' }],
      workingDir: '/work',
      securityContext: { runAsUser: 1000, runAsGroup: 2000, readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'], drop: ['MKNOD', 'CAP_KILL'] } },
      resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m' } },
    },
  }));
  // HOSTNAME is the runtime's, not the container's env: $(HOSTNAME) stays as written.
  assert.deepEqual(spec.process.args, ['/bin/sh', '-c', 'echo hi from $(HOSTNAME)']);
  assert.deepEqual(spec.process.env, ['PATH=/usr/sbin:/usr/bin', 'HOSTNAME=web-7d9f', 'NGINX_VERSION=pod', 'GREETING=hi']);
  assert.equal(spec.process.cwd, '/work');
  assert.deepEqual(spec.process.user, { uid: 1000, gid: 2000 });
  assert.equal(spec.root.readonly, true);
  const caps = spec.process.capabilities.bounding;
  assert.ok(caps.includes('CAP_NET_ADMIN') && !caps.includes('CAP_MKNOD') && !caps.includes('CAP_KILL') && caps.includes('CAP_CHOWN'));
  assert.deepEqual(spec.linux.resources.cpu, { shares: 102, quota: 50_000, period: 100_000 });
  assert.deepEqual(spec.linux.resources.memory, { limit: 268_435_456 });
});

test('drop ALL then add', () => {
  const spec = buildOciSpec(input({ container: { name: 'c', securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } } }));
  assert.deepEqual(spec.process.capabilities.effective, ['CAP_NET_BIND_SERVICE']);
});

test('pod settings: namespaces to join, etc files, volumes, cgroup path', () => {
  const spec = buildOciSpec(input({
    pod: {
      hostname: 'p',
      netnsPath: '/var/run/netns/pod-1',
      ipcPath: '/proc/42/ns/ipc',
      utsPath: '/proc/42/ns/uts',
      hostsFile: '/var/lib/ferry/pods/1/etc-hosts',
      resolvConfFile: '/var/lib/ferry/pods/1/resolv.conf',
      hostnameFile: '/var/lib/ferry/pods/1/hostname',
      volumes: [
        { containerPath: '/data', hostPath: '/var/lib/ferry/pods/1/volumes/data' },
        { containerPath: '/etc/config/', hostPath: '/var/lib/ferry/pods/1/volumes/cfg', readOnly: true },
        { containerPath: '/dev/shm', hostPath: '/var/lib/ferry/pods/1/shm' },
      ],
      cgroupsPath: '/ferry/pod1/c1',
      oomScoreAdj: 1000,
    },
  }));
  assert.deepEqual(spec.linux.namespaces, [
    { type: 'pid' }, { type: 'ipc', path: '/proc/42/ns/ipc' }, { type: 'uts', path: '/proc/42/ns/uts' }, { type: 'mount' },
    { type: 'network', path: '/var/run/netns/pod-1' },
  ]);
  const byDest = new Map(spec.mounts.map((m) => [m.destination, m]));
  assert.deepEqual(byDest.get('/etc/hosts'), { destination: '/etc/hosts', type: 'bind', source: '/var/lib/ferry/pods/1/etc-hosts', options: ['rbind', 'rprivate', 'rw'] });
  assert.equal(byDest.get('/etc/resolv.conf')?.source, '/var/lib/ferry/pods/1/resolv.conf');
  assert.equal(byDest.get('/etc/hostname')?.source, '/var/lib/ferry/pods/1/hostname');
  assert.deepEqual(byDest.get('/etc/config')?.options, ['rbind', 'rprivate', 'ro']);
  assert.deepEqual(byDest.get('/data')?.options, ['rbind', 'rprivate', 'rw']);
  assert.equal(byDest.get('/dev/shm')?.type, 'bind', 'a pod mount replaces the default one');
  assert.equal(spec.mounts.filter((m) => m.destination === '/dev/shm').length, 1);
  assert.equal(spec.linux.cgroupsPath, '/ferry/pod1/c1');
  assert.equal(spec.process.oomScoreAdj, 1000);
});

test('hostNetwork leaves the network namespace out; read-only root makes the etc files read-only', () => {
  const spec = buildOciSpec(input({ pod: { hostname: 'p', hostNetwork: true, netnsPath: '/x', hostsFile: '/h' }, container: { name: 'c', securityContext: { readOnlyRootFilesystem: true } } }));
  assert.ok(!spec.linux.namespaces.some((n) => n.type === 'network'));
  assert.deepEqual(spec.mounts.find((m) => m.destination === '/etc/hosts')?.options, ['rbind', 'rprivate', 'ro']);
});

test('privileged only when the node allows it', () => {
  const priv = input({ container: { name: 'c', securityContext: { privileged: true } } });
  assert.throws(() => buildOciSpec(priv), (e) => isRuntimeError(e, 'INVALID_SPEC') && /privileged/.test(e.message));
  const spec = buildOciSpec({ ...priv, allowPrivileged: true });
  assert.ok(spec.process.capabilities.bounding.includes('CAP_SYS_ADMIN'));
  assert.equal(spec.process.noNewPrivileges, false);
  assert.deepEqual(spec.linux.maskedPaths, []);
  assert.deepEqual(spec.linux.readonlyPaths, []);
  assert.ok(spec.mounts.find((m) => m.destination === '/sys')?.options.includes('rw'));
  assert.deepEqual(spec.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
});

test('allowPrivilegeEscalation: true turns no_new_privileges off', () => {
  assert.equal(buildOciSpec(input({ container: { name: 'c', securityContext: { allowPrivilegeEscalation: true } } })).process.noNewPrivileges, false);
  assert.equal(buildOciSpec(input({ container: { name: 'c', securityContext: { allowPrivilegeEscalation: false } } })).process.noNewPrivileges, true);
});

test('invalid inputs are INVALID_SPEC or USER_NOT_FOUND errors', () => {
  assert.throws(() => buildOciSpec(input({ container: { name: 'c', workingDir: 'rel' } })), (e) => isRuntimeError(e, 'INVALID_SPEC'));
  assert.throws(() => buildOciSpec(input({ pod: { hostname: 'p', volumes: [{ containerPath: 'data', hostPath: '/x' }] } })), (e) => isRuntimeError(e, 'INVALID_SPEC'));
  assert.throws(() => buildOciSpec(input({ pod: { hostname: 'p', volumes: [{ containerPath: '/a/../../b', hostPath: '/x' }] } })), (e) => isRuntimeError(e, 'INVALID_SPEC'));
  assert.throws(() => buildOciSpec(input({ image: { Cmd: ['x'], User: 'ghost' } })), (e) => isRuntimeError(e, 'USER_NOT_FOUND'));
});

test('clampRlimits lowers NOFILE to what the host allows', () => {
  const spec = clampRlimits(buildOciSpec(input()), 20_000);
  assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 20_000, soft: 20_000 }]);
});
