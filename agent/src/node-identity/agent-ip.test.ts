import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetworkInterfaceInfo } from 'node:os';
import { agentIp, firstNonLoopbackIPv4 } from './agent-ip.ts';

const info = (address: string, family: 'IPv4' | 'IPv6', internal: boolean) =>
  ({ address, family, internal }) as NetworkInterfaceInfo;

test('AgentIP: configured value, else the first non-loopback IPv4', () => {
  assert.equal(agentIp('192.0.2.9'), '192.0.2.9');
  assert.equal(
    firstNonLoopbackIPv4({
      lo: [info('127.0.0.1', 'IPv4', true)],
      eth0: [info('fe80::1', 'IPv6', false), info('10.1.2.3', 'IPv4', false)],
    }),
    '10.1.2.3',
  );
  assert.equal(firstNonLoopbackIPv4({ lo: [info('127.0.0.1', 'IPv4', true)] }), '');
});
