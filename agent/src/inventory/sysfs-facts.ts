// What rtnetlink does not say about an interface, read from sysfs: is it an SR-IOV VF
// (`device/physfn` exists), its driver (`device/driver` link), whether it has a device at all,
// and its ARPHRD type. sysfs shows the interfaces of the network namespace that mounted it, so
// for another namespace the same script runs in a private mount namespace with a sysfs mounted
// from inside that network namespace (what `ip netns exec` does).
import { execFile } from 'node:child_process';

export interface SysfsFacts {
  /** ARPHRD_* number from `type` (1 Ethernet, 772 loopback, 65534 none), or undefined. */
  arpType: number | undefined;
  hasDevice: boolean;
  isVF: boolean;
  driver: string | undefined;
}

/** Prints `name TAB type TAB hasDevice TAB isVF TAB driver` per interface under "$1/class/net". */
export const SYSFS_FACTS_SCRIPT = `cd "$1/class/net" 2>/dev/null || exit 0
for d in *; do
  [ -e "$d" ] || continue
  t=$(cat "$d/type" 2>/dev/null)
  dev=0; [ -e "$d/device" ] && dev=1
  vf=0; [ -e "$d/device/physfn" ] && vf=1
  drv=$(readlink "$d/device/driver" 2>/dev/null); drv=\${drv##*/}
  printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$d" "$t" "$dev" "$vf" "$drv"
done`;

/** Parses the script's output; interface names cannot hold tabs or newlines (dev_valid_name). */
export function parseSysfsFacts(text: string): Map<string, SysfsFacts> {
  const out = new Map<string, SysfsFacts>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [name, type, dev, vf, driver] = line.split('\t');
    if (!name) continue;
    const t = Number(type);
    out.set(name, {
      arpType: type !== '' && Number.isInteger(t) ? t : undefined,
      hasDevice: dev === '1',
      isVF: vf === '1',
      driver: driver ? driver : undefined,
    });
  }
  return out;
}

function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

export interface SysfsReader {
  /** Facts by interface name for one namespace: `root` itself for the host's, else a sysfs mounted inside `netnsPath`. */
  read(netnsPath: string, isHost: boolean): Promise<Map<string, SysfsFacts>>;
}

export function sysfsReader(root: string, timeoutMs = 5000): SysfsReader {
  return {
    async read(netnsPath, isHost) {
      if (isHost)
        return parseSysfsFacts(await run('sh', ['-c', SYSFS_FACTS_SCRIPT, 'sysfs-facts', root], timeoutMs));
      const inner = 'mount -t sysfs -o ro sysfs /sys && exec sh -c "$1" sysfs-facts /sys';
      const out = await run(
        'unshare',
        [
          '--mount',
          '--propagation',
          'private',
          '--',
          'nsenter',
          `--net=${netnsPath}`,
          '--',
          'sh',
          '-c',
          inner,
          'mount-sysfs',
          SYSFS_FACTS_SCRIPT,
        ],
        timeoutMs,
      );
      return parseSysfsFacts(out);
    },
  };
}

/** What the page shows as the interface's type. */
export function interfaceType(name: string, kind: string, facts: SysfsFacts | undefined): string {
  if (facts?.isVF) return 'vf';
  if (name === 'lo' || facts?.arpType === 772) return 'loopback';
  if (kind) return kind;
  if (facts?.hasDevice) return 'physical';
  return 'unknown';
}
