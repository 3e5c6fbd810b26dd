// The reference topology of Interflow's tests, built from veth pairs (no SR-IOV NIC here):
//
//   netns A                                    netns B
//   net1 192.168.122.71/24 <── veth pair ──> net1 192.168.122.72/24   (stands in for a VF)
//   eth0 10.<x>.<y>.1/24 ──┐            ┌── eth0 10.<x>.<y>.2/24
//                     host bridge (no address, so the host routes nothing new)
//
// Namespaces are bind-mounted in a directory the scenario owns (default: a fresh one under
// /run), so an agent pointed at it with INTERFLOW_NETNS_DIRS and INTERFLOW_HOST_NETNS=false
// sees only these namespaces. Every name is unique per run; teardown() removes everything
// (namespaces, host veth ends, bridge, the directory) and is safe to call twice.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { uniqueSuffix } from './privileged.ts';

const run = promisify(execFile);

export const NET1_A_IP = '192.168.122.71';
export const NET1_B_IP = '192.168.122.72';

export interface ScenarioNamespace {
  /** File name in the scenario's netns directory (what records show in IfNetns). */
  name: string;
  path: string;
}

export interface NetnsScenario {
  /** Directory holding the namespace files (give it to INTERFLOW_NETNS_DIRS). */
  dir: string;
  suffix: string;
  a: ScenarioNamespace;
  b: ScenarioNamespace;
  bridge: string;
  eth0: { a: string; b: string };
  net1: { a: string; b: string };
  /** Runs a command inside a namespace and returns its stdout (throws with stderr on failure). */
  exec(ns: ScenarioNamespace, cmd: string, args: string[]): Promise<string>;
  /** Starts a long-running command inside a namespace (killed by teardown if still running). */
  spawn(ns: ScenarioNamespace, cmd: string, args: string[]): ChildProcess;
  /** Creates another namespace in the scenario's directory (removed by teardown). */
  addNamespace(label: string): Promise<ScenarioNamespace>;
  /** Unmounts and removes one namespace file (the namespace dies once nothing holds it). */
  deleteNamespace(ns: ScenarioNamespace): Promise<void>;
  /** Runs a command in the host namespace (for links the scenario created there). */
  host(cmd: string, args: string[]): Promise<string>;
  teardown(): Promise<void>;
}

async function sh(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { maxBuffer: 64 << 20 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

async function quiet(cmd: string, args: string[]): Promise<void> {
  await run(cmd, args).catch(() => undefined);
}

export interface ScenarioOptions {
  /** Where to mount the namespaces (created if missing); default: a new dir under /run. */
  dir?: string;
  /** Build only the namespaces (no links), for tests that wire their own. */
  bare?: boolean;
}

export async function createNetnsScenario(opts: ScenarioOptions = {}): Promise<NetnsScenario> {
  const suffix = uniqueSuffix();
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync('/run/interflow-netns-');
  mkdirSync(dir, { recursive: true });
  const namespaces: ScenarioNamespace[] = [];
  const children: ChildProcess[] = [];
  const hostLinks: string[] = [];
  // 10.<x>.<y>.0/24 from the suffix so two scenarios never share a subnet on a bridge.
  const h = [...suffix].reduce((acc, c) => (acc * 31 + c.charCodeAt(0)) >>> 0, 7);
  const eth0Net = `10.${200 + (h % 50)}.${(h >>> 8) % 250}`;

  const addNamespace = async (label: string): Promise<ScenarioNamespace> => {
    const name = `iflow-${label}-${suffix}`;
    const path = join(dir, name);
    writeFileSync(path, '');
    namespaces.push({ name, path });
    await sh('unshare', [`--net=${path}`, 'true']);
    await sh('nsenter', [`--net=${path}`, 'ip', 'link', 'set', 'lo', 'up']);
    return { name, path };
  };
  const exec = (ns: ScenarioNamespace, cmd: string, args: string[]) =>
    sh('nsenter', [`--net=${ns.path}`, cmd, ...args]);
  const deleteNamespace = async (ns: ScenarioNamespace) => {
    // Lazy detach, as `ip netns del` and CNI plugins do: a plain umount fails with EBUSY while
    // anyone (the agent) has the file open.
    await quiet('umount', ['-l', ns.path]);
    rmSync(ns.path, { force: true });
  };

  const scenario: NetnsScenario = {
    dir,
    suffix,
    a: { name: '', path: '' },
    b: { name: '', path: '' },
    bridge: `ifbr${suffix}`,
    eth0: { a: `${eth0Net}.1`, b: `${eth0Net}.2` },
    net1: { a: NET1_A_IP, b: NET1_B_IP },
    exec,
    spawn(ns, cmd, args) {
      const child = spawn('nsenter', [`--net=${ns.path}`, cmd, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      return child;
    },
    addNamespace,
    deleteNamespace,
    host: sh,
    async teardown() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      for (const l of hostLinks) await quiet('ip', ['link', 'del', l]);
      for (const ns of namespaces) await deleteNamespace(ns);
      namespaces.length = 0;
      hostLinks.length = 0;
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    scenario.a = await addNamespace('a');
    scenario.b = await addNamespace('b');
    if (opts.bare) return scenario;
    const { a, b, bridge } = scenario;
    // net1 <-> net1: created in A with its peer directly in B.
    await exec(a, 'ip', ['link', 'add', 'net1', 'type', 'veth', 'peer', 'name', 'net1', 'netns', b.path]);
    await exec(a, 'ip', ['addr', 'add', `${NET1_A_IP}/24`, 'dev', 'net1']);
    await exec(b, 'ip', ['addr', 'add', `${NET1_B_IP}/24`, 'dev', 'net1']);
    await exec(a, 'ip', ['link', 'set', 'net1', 'up']);
    await exec(b, 'ip', ['link', 'set', 'net1', 'up']);
    // eth0 in each namespace, host ends on a bridge.
    await sh('ip', ['link', 'add', bridge, 'type', 'bridge']);
    hostLinks.push(bridge);
    for (const [ns, ip, tag] of [
      [a, scenario.eth0.a, 'a'],
      [b, scenario.eth0.b, 'b'],
    ] as const) {
      const hostEnd = `if${tag}${suffix}`;
      await sh('ip', ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.path]);
      hostLinks.push(hostEnd);
      await sh('ip', ['link', 'set', hostEnd, 'master', bridge, 'up']);
      await exec(ns, 'ip', ['addr', 'add', `${ip}/24`, 'dev', 'eth0']);
      await exec(ns, 'ip', ['link', 'set', 'eth0', 'up']);
    }
    await sh('ip', ['link', 'set', bridge, 'up']);
    return scenario;
  } catch (e) {
    await scenario.teardown();
    throw e;
  }
}
