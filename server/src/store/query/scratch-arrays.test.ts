// Lent arrays (scratch-arrays.ts): zero-filled whatever the buffer held before, contents kept
// when grown, a buffer given back lent again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { giveArray, growArray, takeArray } from './scratch-arrays.ts';

test('a buffer given back is lent again, zero-filled, as any typed array', () => {
  const a = takeArray(Float64Array, 100_000);
  a.fill(7);
  giveArray(a);
  const b = takeArray(Int32Array, 150_000); // fits the 1 MiB buffer of `a`
  assert.equal(b.buffer, a.buffer);
  assert.equal(b.length, 150_000);
  assert.ok(b.every((v) => v === 0));
  giveArray(b);
  giveArray(b); // twice: kept once
  const c = takeArray(Uint32Array, 200_000);
  const d = takeArray(Uint32Array, 200_000);
  assert.notEqual(c.buffer, d.buffer);
});

test('grown arrays keep their contents and zero the rest, in their buffer or another', () => {
  let a = takeArray(Float64Array, 64);
  for (let i = 0; i < 64; i++) a[i] = i + 1;
  for (const n of [128, 10_000, 20_000, 300_000]) {
    const before = a.length;
    a = growArray(Float64Array, a, n);
    assert.equal(a.length, n);
    for (let i = 0; i < 64; i++) assert.equal(a[i], i + 1);
    for (let i = before; i < n; i += 97) assert.equal(a[i], 0);
    a.fill(5, 64); // written, then grown again: the next part must be zero again
  }
  giveArray(a);
});
