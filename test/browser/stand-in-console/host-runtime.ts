// Browser side of the stand-in console hosts: loads the Interflow plugin the way an OpenShift
// console does, with what one console line defines. Used by stand-in-console-4.20.tsx and
// stand-in-console-4.22.tsx; the test reads the outcome from `window.__standInConsole`.
//
// What a console does (console-dynamic-plugin-sdk runtime, plugin-dependencies.ts and the
// plugin loader):
//  1. fetches /api/plugins/<name>/plugin-manifest.json (the console proxies /api/plugins/<name>/
//     to the plugin's Service, under the ConsolePlugin's basePath);
//  2. checks `dependencies['@console/pluginAPI']` against its own version with
//     `semver.satisfies(version, range, { includePrerelease: true })` and refuses the plugin with
//     "Unmet dependency on Console plugin API" when it does not match;
//  3. defines its entry callback (consoles 4.19-4.21: `window.loadPluginEntry(pluginID, entry)`
//     with pluginID `name@version`; consoles 4.22+: `window.__load_plugin_entry__(name, entry)`),
//     loads the manifest's entry script, and initialises the container with its share scope;
//  4. resolves the extensions' code refs through `container.get(module)`.
import semver from 'semver';

export interface SharedModule {
  name: string;
  version: string;
  module: unknown;
}

export interface ConsoleLine {
  /** The console version this host pretends to be, e.g. 4.20.8. */
  version: string;
  entryCallback: 'loadPluginEntry' | '__load_plugin_entry__';
  shared: SharedModule[];
}

interface Container {
  init: (scope: ShareScope) => Promise<void> | void;
  get: (module: string) => Promise<() => Record<string, unknown>>;
}
type ShareScope = Record<
  string,
  Record<string, { get: () => Promise<() => unknown>; from: string; eager: boolean; loaded?: 1 }>
>;

export interface PluginManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  loadScripts?: string[];
  baseURL?: string;
  registrationMethod?: string;
  extensions: Array<{ type: string; properties: Record<string, unknown> }>;
}

export interface LoadedPlugin {
  manifest: PluginManifest;
  /** The exposed module's default export, for each code ref name. */
  component: (codeRef: string) => Promise<unknown>;
  /** Shared modules the plugin asked the host for. */
  requested: string[];
}

const PLUGIN_NAME = 'interflow-plugin';
export const PLUGIN_BASE = `/api/plugins/${PLUGIN_NAME}/`;

export class UnmetPluginDependencyError extends Error {
  constructor(range: string, version: string) {
    super(
      `Unmet dependency on Console plugin API: @console/pluginAPI: required ${range}, current ${version}`,
    );
    this.name = 'UnmetPluginDependencyError';
  }
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

function shareScope(shared: SharedModule[], requested: string[]): ShareScope {
  const scope: ShareScope = {};
  for (const { name, version, module } of shared) {
    scope[name] = {
      [version]: {
        from: 'openshift-console',
        eager: true,
        loaded: 1,
        get: async () => {
          requested.push(name);
          return () => module;
        },
      },
    };
  }
  return scope;
}

export async function loadPlugin(line: ConsoleLine): Promise<LoadedPlugin> {
  const res = await fetch(`${PLUGIN_BASE}plugin-manifest.json`);
  if (!res.ok) throw new Error(`plugin-manifest.json: HTTP ${res.status}`);
  const manifest = (await res.json()) as PluginManifest;

  const range = manifest.dependencies?.['@console/pluginAPI'];
  if (range && !semver.satisfies(line.version, range, { includePrerelease: true }))
    throw new UnmetPluginDependencyError(range, line.version);

  const w = window as unknown as Record<string, unknown>;
  const entries = new Map<string, Container>();
  // Only the callback this console line defines: an entry that calls the other one fails.
  w[line.entryCallback] = (id: string, container: Container) => entries.set(id, container);
  const pluginID =
    line.entryCallback === 'loadPluginEntry' ? `${manifest.name}@${manifest.version}` : manifest.name;

  const scripts = manifest.loadScripts ?? ['plugin-entry.js'];
  for (const script of scripts) await loadScript(`${manifest.baseURL ?? PLUGIN_BASE}${script}`);
  const container = entries.get(pluginID);
  if (!container)
    throw new Error(`${scripts.join(', ')} did not call window.${line.entryCallback}("${pluginID}", …)`);

  const requested: string[] = [];
  await container.init(shareScope(line.shared, requested));
  return {
    manifest,
    requested,
    component: async (codeRef: string) => {
      const [module, exported = 'default'] = codeRef.split('.');
      const factory = await container.get(module!);
      return factory()[exported];
    },
  };
}

/** Where a host puts its result for the test: a plain object, readable through page.evaluate. */
export interface HostOutcome {
  status: 'loading' | 'rendered' | 'refused' | 'failed';
  consoleVersion: string;
  error?: string;
  requested?: string[];
  /** The React the host rendered with (its own, shared with the plugin). */
  reactVersion?: string;
}

export function report(outcome: HostOutcome): void {
  (window as unknown as { __standInConsole: HostOutcome }).__standInConsole = outcome;
}

/** The code ref of the route's page and of the Pod tab, from the manifest's extensions. */
export function codeRefs(manifest: PluginManifest): { page: string; tab: string } {
  const ref = (type: string, match: (p: Record<string, unknown>) => boolean) => {
    const ext = manifest.extensions.find((e) => e.type === type && match(e.properties));
    const component = ext?.properties.component as { $codeRef?: string } | undefined;
    if (!component?.$codeRef) throw new Error(`manifest has no ${type} with a component`);
    return component.$codeRef;
  };
  return {
    page: ref('console.page/route', (p) => p.path === '/traffic-flows'),
    tab: ref('console.tab/horizontalNav', (p) => (p.model as { kind?: string }).kind === 'Pod'),
  };
}
