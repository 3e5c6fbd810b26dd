// Writes the checked-in ./plugin-manifest.json from the built dist/plugin-manifest.json, without
// the per-build `buildHash`, formatted by Prettier (so `npm run lint` accepts it). Run by
// `npm run build:web` after webpack; web/src/plugin/manifest.test.ts checks that both agree with
// console-extensions.json and package.json's consolePlugin.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as prettier from 'prettier';

const root = resolve(import.meta.dirname, '..', '..');
const dist = resolve(root, process.env.INTERFLOW_WEB_DIST ?? 'dist');
const built = JSON.parse(readFileSync(resolve(dist, 'plugin-manifest.json'), 'utf8'));
delete built.buildHash;
const target = resolve(root, 'plugin-manifest.json');
const text = await prettier.format(JSON.stringify(built, null, 2), { parser: 'json', filepath: target });
let before = '';
try {
  before = readFileSync(target, 'utf8');
} catch {
  /* first build */
}
if (before !== text) {
  writeFileSync(target, text);
  console.log('plugin-manifest.json updated from the build');
}
