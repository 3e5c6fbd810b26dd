// iperf3 inside the namespaces of a test scenario: a server that is ready when this returns,
// a client whose JSON report gives the data connection's port and the bytes it sent, and the
// header arithmetic that turns a flow's Bytes into the payload iperf3 moved.
import type { ChildProcess } from 'node:child_process';
import type { FlowRecord } from '@interflow/contract';
import type { NetnsScenario, ScenarioNamespace } from './netns-scenario.ts';
import { waitFor } from './processes.ts';

// Ethernet + IPv4 + TCP with timestamps (Linux default) / + UDP. The hook counts a GSO packet
// as the segments it becomes on the wire, each with its own headers, so payload = Bytes -
// Packets × headers stays exact.
export const TCP_HEADERS = 14 + 20 + 32;
export const UDP_HEADERS = 14 + 20 + 8;

export interface IperfResult {
  localPort: number;
  /** Bytes the client wrote to its socket (TCP: not all of them need to have left it). */
  sentBytes: number;
  /** TCP: bytes the server read, which certainly crossed the link (undefined for UDP). */
  receivedBytes?: number;
}

/**
 * Starts an iperf3 server in `ns` on bind:port and waits until it listens. The scenario's
 * teardown kills it; the process is returned for tests that stop it earlier.
 */
export async function iperfServer(
  s: NetnsScenario,
  ns: ScenarioNamespace,
  bind: string,
  port: number,
): Promise<ChildProcess> {
  const srv = s.spawn(ns, 'iperf3', ['-s', '--forceflush', '-B', bind, '-p', String(port)]);
  let out = '';
  srv.stdout!.on('data', (d) => (out += d));
  srv.stderr!.on('data', (d) => (out += d));
  await waitFor(`iperf3 server on ${bind}:${port}`, async () => out.includes('Server listening'), {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  return srv;
}

/** Runs an iperf3 client in `ns` and returns the data connection's local port and the bytes sent. */
export async function iperfClient(
  s: NetnsScenario,
  ns: ScenarioNamespace,
  args: string[],
): Promise<IperfResult> {
  const json = JSON.parse(await s.exec(ns, 'iperf3', ['-J', ...args])) as {
    start: { connected: { local_port: number }[] };
    end: { sum_sent?: { bytes: number }; sum_received?: { bytes: number }; sum?: { bytes: number } };
    error?: string;
  };
  if (json.error) throw new Error(`iperf3: ${json.error}`);
  return {
    localPort: json.start.connected[0]!.local_port,
    sentBytes: json.end.sum_sent?.bytes ?? json.end.sum!.bytes,
    receivedBytes: json.end.sum_received?.bytes,
  };
}

/** Sum of the IPv4 payload bytes of records once per-packet headers are taken off. */
export function payload(records: FlowRecord[], headers: number): number {
  return records.reduce((n, r) => n + r.Bytes - r.Packets * headers, 0);
}
