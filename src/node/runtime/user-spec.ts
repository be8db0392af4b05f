// The container's uid, gid and supplementary groups from the image's User and the securityContext.
// Image User forms (https://github.com/opencontainers/image-spec/blob/v1.1.0/config.md#properties):
// "uid", "uid:gid", "user", "user:group", "uid:group", "user:gid"; names are looked up in the
// image's /etc/passwd and /etc/group through a UserDb, so this file stays pure.
// runAsUser / runAsGroup (container over pod) win over the image, as with containerd's CRI plugin
// (https://kubernetes.io/docs/tasks/configure-pod-container/security-context/).

import { RuntimeError, RuntimeErrorCode } from './errors.ts';
import type { ContainerSecurityContext, PodSecurityContext } from './spec-inputs.ts';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** Lookups in the image's /etc/passwd and /etc/group. */
export interface UserDb {
  userByName(name: string): PasswdEntry | undefined;
  userById(uid: number): PasswdEntry | undefined;
  groupByName(name: string): GroupEntry | undefined;
  /** Groups that list `userName` as a member. */
  groupsOf(userName: string): GroupEntry[];
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

const NUMERIC = /^[0-9]+$/;
const MAX_ID = 2 ** 32 - 2;

export function resolveUser(
  imageUser: string | undefined,
  db: UserDb,
  container: ContainerSecurityContext = {},
  pod: PodSecurityContext = {},
): ResolvedUser {
  const runAsUser = container.runAsUser ?? pod.runAsUser;
  const runAsGroup = container.runAsGroup ?? pod.runAsGroup;
  let uid: number;
  let gid: number;
  let name: string | undefined;
  if (runAsUser !== undefined) {
    uid = checkId(runAsUser, 'runAsUser');
    const entry = db.userById(uid);
    gid = entry?.gid ?? 0;
    name = entry?.name;
  } else {
    ({ uid, gid, name } = parseImageUser(imageUser ?? '', db));
  }
  if (runAsGroup !== undefined) gid = checkId(runAsGroup, 'runAsGroup');

  if ((container.runAsNonRoot ?? pod.runAsNonRoot) === true && uid === 0) {
    throw new RuntimeError(RuntimeErrorCode.InvalidSpec, 'container has runAsNonRoot and image will run as root ' +
      '(set securityContext.runAsUser to a non-zero uid or use an image with a non-root USER)');
  }

  const additional: number[] = [];
  const add = (g: number) => {
    if (g !== gid && !additional.includes(g)) additional.push(g);
  };
  if (name !== undefined) for (const g of db.groupsOf(name)) add(g.gid);
  for (const g of pod.supplementalGroups ?? []) add(checkId(g, 'supplementalGroups'));
  if (pod.fsGroup !== undefined) add(checkId(pod.fsGroup, 'fsGroup'));
  return { uid, gid, additionalGids: additional };
}

function parseImageUser(user: string, db: UserDb): { uid: number; gid: number; name: string | undefined } {
  if (user === '') return { uid: 0, gid: 0, name: db.userById(0)?.name ?? 'root' };
  const colon = user.indexOf(':');
  const userPart = colon === -1 ? user : user.slice(0, colon);
  const groupPart = colon === -1 ? undefined : user.slice(colon + 1);
  let entry: PasswdEntry | undefined;
  let uid: number;
  if (NUMERIC.test(userPart)) {
    uid = checkId(Number(userPart), 'image user');
    entry = db.userById(uid);
  } else {
    entry = db.userByName(userPart);
    if (entry === undefined) {
      throw new RuntimeError(RuntimeErrorCode.UserNotFound, `image user "${userPart}" is not in the image's /etc/passwd; ` +
        'set securityContext.runAsUser to a numeric uid or fix the image\'s USER');
    }
    uid = entry.uid;
  }
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (NUMERIC.test(groupPart)) gid = checkId(Number(groupPart), 'image group');
    else {
      const g = db.groupByName(groupPart);
      if (g === undefined) {
        throw new RuntimeError(RuntimeErrorCode.UserNotFound, `image group "${groupPart}" is not in the image's /etc/group; ` +
          'set securityContext.runAsGroup to a numeric gid or fix the image\'s USER');
      }
      gid = g.gid;
    }
  }
  return { uid, gid, name: entry?.name };
}

function checkId(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > MAX_ID) {
    throw new RuntimeError(RuntimeErrorCode.InvalidSpec, `${what} ${n} is not a valid id (0 to ${MAX_ID})`);
  }
  return n;
}

/** /etc/passwd lines name:password:uid:gid:gecos:home:shell; malformed lines are skipped as libc does. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#') || !NUMERIC.test(f[2] ?? '') || !NUMERIC.test(f[3] ?? '')) continue;
    out.push({ name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' });
  }
  return out;
}

/** /etc/group lines name:password:gid:member,member. */
export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || line.startsWith('#') || !NUMERIC.test(f[2] ?? '')) continue;
    out.push({ name: f[0] ?? '', gid: Number(f[2]), members: (f[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean) });
  }
  return out;
}

/** A UserDb over parsed file contents (first match wins, as getpwnam does). */
export function userDbFrom(passwd: PasswdEntry[], group: GroupEntry[]): UserDb {
  return {
    userByName: (name) => passwd.find((e) => e.name === name),
    userById: (uid) => passwd.find((e) => e.uid === uid),
    groupByName: (name) => group.find((g) => g.name === name),
    groupsOf: (userName) => group.filter((g) => g.members.includes(userName)),
  };
}
