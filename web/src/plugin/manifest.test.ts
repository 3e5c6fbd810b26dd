// console-extensions.json, package.json's consolePlugin, the checked-in plugin-manifest.json and
// the built dist/plugin-manifest.json must agree: every $codeRef resolves to an exposed module.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST, ROOT, distMissing } from './built-plugin.ts';

const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const extensions = readJson(join(ROOT, 'console-extensions.json')) as Array<{
  type: string;
  properties: Record<string, unknown>;
}>;
const pkg = readJson(join(ROOT, 'package.json'));
const plugin = pkg.consolePlugin as {
  name: string;
  version: string;
  exposedModules: Record<string, string>;
  dependencies: Record<string, string>;
};

function codeRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => codeRefs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$codeRef' && typeof v === 'string') out.push(v);
      else codeRefs(v, out);
    }
  }
  return out;
}

describe('console plugin metadata', () => {
  it('names the plugin interflow-plugin and requires a console that has the plugin API', () => {
    expect(plugin.name).toBe('interflow-plugin');
    expect(plugin.dependencies['@console/pluginAPI']).toBeTruthy();
  });

  it('declares the route, the Observe nav item and the Pod/Namespace/Node tabs', () => {
    const route = extensions.find((e) => e.type === 'console.page/route');
    expect(route?.properties.path).toBe('/traffic-flows');
    const nav = extensions.find((e) => e.type === 'console.navigation/href');
    expect(nav?.properties).toMatchObject({
      perspective: 'admin',
      section: 'observe',
      href: '/traffic-flows',
      name: '%plugin__interflow-plugin~Traffic Flows%',
    });
    const tabs = extensions
      .filter((e) => e.type === 'console.tab/horizontalNav')
      .map((e) => {
        const m = e.properties.model as { group: string; version: string; kind: string };
        return `${m.group}/${m.version}/${m.kind}`;
      });
    expect(tabs.sort()).toEqual([
      'apps/v1/DaemonSet',
      'apps/v1/Deployment',
      'apps/v1/StatefulSet',
      'core/v1/Namespace',
      'core/v1/Node',
      'core/v1/Pod',
    ]);
  });

  it('every $codeRef names an exposed module whose file exists', () => {
    const refs = codeRefs(extensions);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const [module] = ref.split('.');
      expect(Object.keys(plugin.exposedModules), ref).toContain(module);
    }
    for (const file of Object.values(plugin.exposedModules))
      expect(existsSync(join(ROOT, file)), file).toBe(true);
  });

  it('the checked-in plugin-manifest.json matches console-extensions.json and package.json', () => {
    const manifest = readJson(join(ROOT, 'plugin-manifest.json'));
    expect(manifest.name).toBe(plugin.name);
    expect(manifest.version).toBe(plugin.version);
    expect(manifest.dependencies).toEqual(plugin.dependencies);
    expect(manifest.extensions).toEqual(extensions);
    expect(manifest.loadScripts).toEqual(['plugin-entry.js']);
    expect(manifest.baseURL).toBe(`/api/plugins/${plugin.name}/`);
  });

  it.skipIf(distMissing())(
    'the built dist/plugin-manifest.json equals the checked-in one (but for buildHash)',
    () => {
      const built = readJson(join(DIST, 'plugin-manifest.json'));
      expect(typeof built.buildHash).toBe('string');
      delete built.buildHash;
      expect(built).toEqual(readJson(join(ROOT, 'plugin-manifest.json')));
      expect(existsSync(join(DIST, 'plugin-entry.js'))).toBe(true);
      expect(existsSync(join(DIST, 'locales', 'en', 'plugin__interflow-plugin.json'))).toBe(true);
      expect(existsSync(join(DIST, 'locales', 'ja', 'plugin__interflow-plugin.json'))).toBe(true);
      expect(existsSync(join(DIST, 'standalone', 'index.html'))).toBe(true);
    },
  );
});

// One build per console line (web/tools/console-lines.mjs, docs/web.md "Console versions").
const LINES = [
  {
    dir: 'console-4.19',
    range: '>=4.19.0-0 <4.22.0-0',
    callback: 'loadPluginEntry',
    other: '__load_plugin_entry__',
    router: 'react-router-dom-v5-compat',
  },
  {
    dir: '',
    range: '>=4.22.0-0',
    callback: '__load_plugin_entry__',
    other: 'loadPluginEntry',
    router: 'react-router',
  },
] as const;

describe.skipIf(distMissing())('the builds for consoles 4.19-4.21 and 4.22+', () => {
  for (const line of LINES) {
    const dir = join(DIST, line.dir);
    it(`${line.dir || 'dist/'}: range ${line.range}, entry callback ${line.callback}, shares ${line.router}`, () => {
      const manifest = readJson(join(dir, 'plugin-manifest.json'));
      expect(manifest.dependencies['@console/pluginAPI']).toBe(line.range);
      expect(manifest.extensions).toEqual(extensions);
      expect(manifest.name).toBe(plugin.name);
      const entry = readFileSync(join(dir, 'plugin-entry.js'), 'utf8');
      expect(entry).toContain(line.callback);
      expect(entry).not.toContain(line.other);
      // the page's router is the one the line shares, and only that one is consumed
      const chunks = readdirSync(dir).filter((f) => f.endsWith('.js'));
      const consumed = chunks.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
      expect(consumed).toMatch(new RegExp(`"${line.router}"`));
      for (const r of LINES.filter((l) => l.router !== line.router))
        expect(consumed).not.toMatch(new RegExp(`\\["default","${r.router}"`));
      expect(existsSync(join(dir, 'locales', 'ja', 'plugin__interflow-plugin.json'))).toBe(true);
    });
  }
});
