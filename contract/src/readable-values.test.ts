import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directionWord, protocolName, readableValue } from './readable-values.ts';

test('protocols by name, ARP from its EtherType, other numbers as they are', () => {
  assert.equal(protocolName(6), 'TCP');
  assert.equal(protocolName(58), 'ICMPv6');
  assert.equal(protocolName(0, 0x0806), 'ARP');
  assert.equal(protocolName(0, 0x86dd), '');
  assert.equal(protocolName(250), '250');
});

test('readable values: times in UTC, direction words, the host namespace, numbers kept', () => {
  const r = { Proto: 17, Etype: 0x0800 };
  assert.equal(readableValue('TimeFlowEndMs', 1_700_000_000_123, r), '2023-11-14T22:13:20.123Z');
  assert.equal(readableValue('TimeReceived', 1_700_000_000, r), '2023-11-14T22:13:20.000Z');
  assert.equal(readableValue('Proto', 17, r), 'UDP');
  assert.equal(readableValue('IfDirections', 1, r), 'egress');
  assert.equal(readableValue('FlowDirection', 2, r), 'inner');
  assert.equal(directionWord(2), '2');
  assert.equal(readableValue('IfNetns', '', r), 'host');
  assert.equal(readableValue('Bytes', 1500, r), '1500');
  assert.equal(readableValue('SrcK8S_Name', undefined, r), '');
});
