// A pod's EIP on the node (issue 5 section 5; seed 000): the address the EIP controller allocated
// is made the node's (a /32 on lo, so the node answers ARP for it on any link), inbound traffic to it
// is DNATed to the pod's IP, the pod's traffic out of the pod network leaves SNATed from it, and
// both directions are limited to the EIP's bandwidth with a token bucket (tc tbf) on the pod's
// interface and on its host-side peer. Rules carry a comment naming the pod, so they are found
// and removed with the sandbox.
import { run } from './command.ts';

/** Where EIPs live on the node (a dummy interface needs a kernel module hosts may lack). */
export const EIP_INTERFACE = 'lo';

export interface EipAttachment {
  eip: string;
  bandwidthMbit: number;
}

const comment = (uid: string) => `ferry-eip-${uid}`;

/** The nat and filter rules for one pod (appended in this order; POSTROUTING's SNAT goes first in its chain). */
function rules(uid: string, podIp: string, eip: string, subnet: string): { table: string; chain: string; insert: boolean; args: string[] }[] {
  const tag = ['-m', 'comment', '--comment', comment(uid)];
  return [
    { table: 'nat', chain: 'PREROUTING', insert: false, args: ['-d', `${eip}/32`, ...tag, '-j', 'DNAT', '--to-destination', podIp] },
    { table: 'nat', chain: 'OUTPUT', insert: false, args: ['-d', `${eip}/32`, ...tag, '-j', 'DNAT', '--to-destination', podIp] },
    // Before the bridge plugin's masquerade, which would otherwise give the node's address.
    { table: 'nat', chain: 'POSTROUTING', insert: true, args: ['-s', `${podIp}/32`, '!', '-d', subnet, ...tag, '-j', 'SNAT', '--to-source', eip] },
    { table: 'filter', chain: 'FORWARD', insert: true, args: ['-d', `${podIp}/32`, ...tag, '-j', 'ACCEPT'] },
    { table: 'filter', chain: 'FORWARD', insert: true, args: ['-s', `${podIp}/32`, ...tag, '-j', 'ACCEPT'] },
  ];
}

/** tc's rate for Mbit/s, with a burst that lets a single TCP window through at that rate. */
function tbf(mbit: number): string[] {
  const burstKbit = Math.max(32, Math.ceil(mbit * 8));
  return ['tbf', 'rate', `${mbit}mbit`, 'burst', `${burstKbit}kbit`, 'latency', '400ms'];
}

export async function attachEip(
  tools: { ip: string; iptables: string; tc: string },
  pod: { uid: string; ip: string; netnsName: string; hostVeth: string | undefined },
  subnet: string,
  attachment: EipAttachment,
): Promise<void> {
  await detachEip(tools, pod.uid, attachment.eip);
  try {
    await run(tools.ip, ['addr', 'add', `${attachment.eip}/32`, 'dev', EIP_INTERFACE]).catch((e: Error) => {
      if (!/File exists/.test(e.message)) throw e;
    });
    for (const r of rules(pod.uid, pod.ip, attachment.eip, subnet)) {
      await run(tools.iptables, ['-w', '-t', r.table, r.insert ? '-I' : '-A', r.chain, ...(r.insert ? ['1'] : []), ...r.args]);
    }
    // Egress of the pod: its own eth0; ingress: the host side of its veth pair.
    await run(tools.ip, ['netns', 'exec', pod.netnsName, tools.tc, 'qdisc', 'replace', 'dev', 'eth0', 'root', ...tbf(attachment.bandwidthMbit)]);
    if (pod.hostVeth !== undefined) await run(tools.tc, ['qdisc', 'replace', 'dev', pod.hostVeth, 'root', ...tbf(attachment.bandwidthMbit)]);
  } catch (err) {
    // Half an EIP is worse than none: the next attempt starts clean.
    await detachEip(tools, pod.uid, attachment.eip);
    throw err;
  }
}

/** Removes the pod's rules and its address; anything already gone is not an error. */
export async function detachEip(tools: { ip: string; iptables: string }, uid: string, eip: string | undefined): Promise<void> {
  for (const table of ['nat', 'filter']) {
    const listed = await run(tools.iptables, ['-w', '-t', table, '-S']).catch(() => '');
    for (const line of listed.split('\n')) {
      if (!line.startsWith('-A ') || !line.includes(`--comment ${comment(uid)}`)) continue;
      await run(tools.iptables, ['-w', '-t', table, '-D', ...line.slice(3).split(' ')]).catch(() => {});
    }
  }
  if (eip !== undefined) await run(tools.ip, ['addr', 'del', `${eip}/32`, 'dev', EIP_INTERFACE]).catch(() => {});
}
