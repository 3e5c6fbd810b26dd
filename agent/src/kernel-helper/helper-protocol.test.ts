import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandLine } from './helper-protocol.ts';

test('commands are TAB-separated lines; fields that would break the framing are refused', () => {
  assert.equal(commandLine('watch', 3, '/run/netns/pod a'), 'watch\t3\t/run/netns/pod a\n');
  assert.throws(() => commandLine('watch', 1, '/run/netns/x\ny'), /tab, newline or NUL/);
  assert.throws(() => commandLine('watch', 1, 'a\tb'), /tab, newline or NUL/);
});

// Flows are binary frames now: flow-frames.test.ts decodes them field by field.
