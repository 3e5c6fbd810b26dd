// The HTTP side of a stand-in console: serves a host page (stand-in-console-4.20.tsx or
// stand-in-console-4.22.tsx, bundled here with esbuild from that console line's packages) and
// proxies what the console's bridge proxies:
//   /api/plugins/interflow-plugin/<file>                    → backend <basePath><file>
//   /api/proxy/plugin/interflow-plugin/backend/<path>?<q>   → backend /<path>?<q>
// basePath is the ConsolePlugin's spec.backend.service.basePath: it chooses which build of the
// plugin the console gets from the one backend (`/` for consoles 4.22+, `/console-4.19/` for
// consoles 4.19-4.21; docs/install-openshift.md).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build, type Plugin } from 'esbuild';
import { REPO_ROOT } from '../../support/processes.ts';

export type HostLine = '4.20' | '4.22';

interface HostBuildSpec {
  entry: string;
  /** The package.json whose node_modules provide the shared modules of this console line. */
  packagesFrom: string;
  /** Modules taken from there (with their subpaths), whatever imports them. */
  lineModules: string[];
  /** Shared modules whose versions the host announces in its share scope. */
  versioned: string[];
}

const HOSTS: Record<HostLine, HostBuildSpec> = {
  '4.20': {
    entry: 'stand-in-console-4.20.tsx',
    packagesFrom: join(REPO_ROOT, 'web-console-4.19/package.json'),
    lineModules: ['react', 'react-dom', 'react-i18next', 'react-router-dom', 'react-router-dom-v5-compat'],
    versioned: ['react-router-dom', 'react-router-dom-v5-compat', 'react-i18next'],
  },
  '4.22': {
    entry: 'stand-in-console-4.22.tsx',
    packagesFrom: join(REPO_ROOT, 'web/package.json'),
    lineModules: ['react', 'react-dom', 'react-i18next', 'react-router'],
    versioned: ['react-router', 'react-i18next'],
  },
};

const PATTERNFLY = ['@patternfly/react-core', '@patternfly/react-icons', '@patternfly/react-table'];

/** The package.json of `name` as `from` resolves it (packages need not export ./package.json). */
function packageJsonOf(name: string, from: string): { version: string; dir: string } {
  const require = createRequire(from);
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (pkg.name === name) return { version: pkg.version, dir };
    } catch {
      /* keep looking upwards */
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json of ${name} above ${from}`);
    dir = up;
  }
}

/** PatternFly dynamic module requests, by the console SDK's own parser (what a console shares). */
function patternflyDynamicModules(): Record<string, string[]> {
  const require = createRequire(join(REPO_ROOT, 'web/package.json'));
  const { getDynamicModuleMap } =
    require('@openshift-console/dynamic-plugin-sdk-webpack/lib/utils/dynamic-module-parser') as {
      getDynamicModuleMap: (base: string) => Record<string, string>;
    };
  return Object.fromEntries(
    PATTERNFLY.map((pkg) => {
      const { dir } = packageJsonOf(pkg, join(REPO_ROOT, 'web/package.json'));
      return [pkg, [...new Set(Object.values(getDynamicModuleMap(dir)))]];
    }),
  );
}

/** Resolves the console line's modules from its own node_modules, for every importer. */
function lineModulesPlugin(spec: HostBuildSpec): Plugin {
  const require = createRequire(spec.packagesFrom);
  const names = spec.lineModules.map((m) => m.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&')).join('|');
  return {
    name: 'console-line-modules',
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(${names})(/.*)?$`) }, (args) => ({
        path: require.resolve(args.path),
      }));
    },
  };
}

export async function bundleHost(line: HostLine): Promise<string> {
  const spec = HOSTS[line];
  const versions: Record<string, string> = {};
  for (const name of spec.versioned) versions[name] = packageJsonOf(name, spec.packagesFrom).version;
  for (const pkg of PATTERNFLY)
    versions[pkg] = packageJsonOf(pkg, join(REPO_ROOT, 'web/package.json')).version;
  const result = await build({
    entryPoints: [join(import.meta.dirname, spec.entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2021',
    jsx: 'automatic',
    minify: true,
    logLevel: 'error',
    define: {
      'process.env.NODE_ENV': '"production"',
      __PF_DYNAMIC_MODULES__: JSON.stringify(patternflyDynamicModules()),
      __SHARED_VERSIONS__: JSON.stringify(versions),
    },
    loader: { '.css': 'empty' },
    plugins: [lineModulesPlugin(spec)],
  });
  return result.outputFiles[0]!.text;
}

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>stand-in console</title></head>
<body><div id="root"></div><script src="/stand-in-console.js"></script></body></html>`;

export interface StandInConsole {
  url: string;
  close: () => Promise<void>;
}

async function forward(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
  const upstream = await fetch(target, { headers: { accept: req.headers.accept ?? '*/*' } });
  const headers: Record<string, string> = {};
  for (const h of ['content-type', 'cache-control', 'x-content-type-options'])
    if (upstream.headers.get(h)) headers[h] = upstream.headers.get(h)!;
  res.writeHead(upstream.status, headers);
  res.end(Buffer.from(await upstream.arrayBuffer()));
}

/** A stand-in console of `line` on a free loopback port, its plugin proxied to `backendUrl`. */
export async function startStandInConsole(opts: {
  line: HostLine;
  backendUrl: string;
  basePath: string;
  hostScript?: string;
}): Promise<StandInConsole> {
  const script = opts.hostScript ?? (await bundleHost(opts.line));
  const plugins = '/api/plugins/interflow-plugin/';
  const proxy = '/api/proxy/plugin/interflow-plugin/backend/';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const answer = async () => {
      if (url.pathname === '/stand-in-console.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      } else if (url.pathname.startsWith(plugins)) {
        await forward(req, res, `${opts.backendUrl}${opts.basePath}${url.pathname.slice(plugins.length)}`);
      } else if (url.pathname.startsWith(proxy)) {
        await forward(req, res, `${opts.backendUrl}/${url.pathname.slice(proxy.length)}${url.search}`);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
      }
    };
    answer().catch((e: Error) => res.writeHead(502, { 'content-type': 'text/plain' }).end(e.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
