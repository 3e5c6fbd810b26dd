// Gate for tests that need root (network namespaces, eBPF, tc).
// Outside CI a non-root run skips them with a message that says why; under CI=true they
// must run, so a missing privilege is a failure, never a silent skip.
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';

export function privilegeProblem(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, tc, eBPF)';
  if (!existsSync('/sys/fs/bpf')) return 'needs /sys/fs/bpf (bpffs)';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'needs kernel BTF (/sys/kernel/btf/vmlinux)';
  return null;
}

/** Options for `test()`/`describe()`: `{ skip: reason }` when it cannot run here. */
export function privileged(): { skip?: string } {
  const problem = privilegeProblem();
  if (!problem) return {};
  if (process.env.CI === 'true') {
    throw new Error(`privileged test cannot run under CI=true: ${problem}`);
  }
  return { skip: `skipped: ${problem}` };
}

/**
 * A short unique suffix for names of netns/links so two runs never collide: 9 characters (the
 * longest prefix in use is 4, IFNAMSIZ allows 15), the process id and 31 random bits, so
 * parallel files and repeated calls in one process practically never meet.
 */
export function uniqueSuffix(): string {
  const pid = (process.pid % 36 ** 3).toString(36).padStart(3, '0');
  return `${pid}${randomInt(36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
}
