import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandLine, parseFlowLine } from './helper-protocol.ts';

test('commands are TAB-separated lines; fields that would break the framing are refused', () => {
  assert.equal(commandLine('watch', 3, '/run/netns/pod a'), 'watch\t3\t/run/netns/pod a\n');
  assert.throws(() => commandLine('watch', 1, '/run/netns/x\ny'), /tab, newline or NUL/);
  assert.throws(() => commandLine('watch', 1, 'a\tb'), /tab, newline or NUL/);
});

test('flow lines map position by position', () => {
  const f = parseFlowLine([
    'F',
    4026532177,
    2,
    1,
    2048,
    17,
    '10.0.0.1',
    '10.0.0.2',
    1,
    2,
    300,
    3,
    10,
    20,
    0,
    'aa:aa:aa:aa:aa:aa',
    'bb:bb:bb:bb:bb:bb',
    46,
    1,
    10,
    20,
    9,
  ]);
  assert.deepEqual(f, {
    netnsIno: 4026532177,
    ifindex: 2,
    dir: 1,
    etype: 2048,
    proto: 17,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    sport: 1,
    dport: 2,
    bytes: 300,
    packets: 3,
    firstNs: 10,
    lastNs: 20,
    tcpFlags: 0,
    srcMac: 'aa:aa:aa:aa:aa:aa',
    dstMac: 'bb:bb:bb:bb:bb:bb',
    dscp: 46,
    fromRingbuf: true,
    vlan: 10,
    vlanInner: 20,
    netnsCookie: 9,
  });
});
