// Loads the BUILT plugin (dist/) the way the console does: the manifest names the entry script,
// the entry calls window.__load_plugin_entry__(name, container), the container is initialised
// with a share scope holding the console's shared modules (React, react-i18next, react-router,
// PatternFly dynamic modules), and `get` returns the exposed module, which is rendered.
// The console's script loader is emulated in jsdom: <script src="/api/plugins/…"> elements are
// answered from dist/ (what the console's /api/plugins proxy would serve).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as React from 'react';
import * as ReactI18next from 'react-i18next';
import * as ReactRouter from 'react-router';
import { render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flow, installStandInBackend, type StandInBackend } from '../../test/stand-in-backend.ts';
import { DIST, distMissing } from './built-plugin.ts';

interface Container {
  init: (scope: ShareScope) => Promise<void> | void;
  get: (module: string) => Promise<() => { default: React.ComponentType<Record<string, unknown>> }>;
}
type ShareScope = Record<
  string,
  Record<string, { get: () => Promise<() => unknown>; from: string; eager: boolean; loaded?: 1 }>
>;

const skip = distMissing();

describe.skipIf(skip)('built plugin loaded as the console loads it (stand-in backend API)', () => {
  const manifest = skip ? null : JSON.parse(readFileSync(join(DIST, 'plugin-manifest.json'), 'utf8'));
  const requested: string[] = [];
  const loadedScripts: string[] = [];
  let container: Container;
  let backend: StandInBackend;
  let restoreAppend: () => void;

  beforeAll(async () => {
    // The console's loader: a <script> per chunk under the manifest's baseURL.
    const originalAppend = document.head.appendChild.bind(document.head);
    document.head.appendChild = (<T extends Node>(node: T): T => {
      if (node instanceof HTMLScriptElement && node.src.includes(manifest.baseURL)) {
        const file = new URL(node.src).pathname.slice(manifest.baseURL.length);
        loadedScripts.push(file);
        setTimeout(() => {
          try {
            (0, eval)(readFileSync(join(DIST, file), 'utf8'));
            node.dispatchEvent(new Event('load'));
          } catch (e) {
            console.error(e);
            node.dispatchEvent(new Event('error'));
          }
        }, 0);
        return node;
      }
      return originalAppend(node);
    }) as typeof document.head.appendChild;
    restoreAppend = () => {
      document.head.appendChild = originalAppend as typeof document.head.appendChild;
    };

    const entries = new Map<string, Container>();
    (window as unknown as Record<string, unknown>).__load_plugin_entry__ = (name: string, c: Container) =>
      entries.set(name, c);
    for (const script of manifest.loadScripts as string[])
      (0, eval)(readFileSync(join(DIST, script), 'utf8'));
    container = entries.get(manifest.name)!;
    expect(
      container,
      `${manifest.loadScripts} did not call __load_plugin_entry__("${manifest.name}", …)`,
    ).toBeTruthy();

    // The console's share scope: what it provides to every plugin.
    const provide = (name: string, version: string, load: () => Promise<unknown>): ShareScope[string] => ({
      [version]: {
        from: 'openshift-console',
        eager: false,
        loaded: 1,
        get: async () => {
          requested.push(name);
          const mod = await load();
          return () => mod;
        },
      },
    });
    const scope: ShareScope = {
      react: provide('react', '18.3.1', async () => React),
      'react-i18next': provide('react-i18next', '16.5.8', async () => ReactI18next),
      'react-router': provide('react-router', '7.13.2', async () => ReactRouter),
    };
    const entryText = readFileSync(join(DIST, manifest.loadScripts[0]), 'utf8');
    for (const [, name] of entryText.matchAll(
      /"(@patternfly\/react-(?:core|icons|table)\/dist\/dynamic\/[^"]+)"/g,
    )) {
      scope[name!] = provide(name!, '6.4.3', () => import(/* @vite-ignore */ name!));
    }
    await container.init(scope);
    backend = installStandInBackend({ records: [flow(0), flow(1)] });
  });

  afterAll(() => {
    restoreAppend?.();
    backend?.restore();
  });

  it('the manifest points at the entry script under the console plugin proxy path', () => {
    expect(manifest.name).toBe('interflow-plugin');
    expect(manifest.baseURL).toBe('/api/plugins/interflow-plugin/');
    expect(manifest.registrationMethod).toBe('callback');
  });

  it('renders the exposed TrafficFlowsPage with the console-provided React, i18n, router and PatternFly', async () => {
    const factory = await container.get('TrafficFlowsPage');
    const Page = factory().default;
    render(
      <ReactRouter.MemoryRouter initialEntries={['/traffic-flows?filters=interfaces%3Dnet1']}>
        <Page />
      </ReactRouter.MemoryRouter>,
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Traffic Flows' })).toBeInTheDocument();
    // flow(0) is on net1, flow(1) on eth0: the stand-in backend applies the URL's filter
    await waitFor(() => expect(screen.getAllByTestId('interflow-flow-row')).toHaveLength(1));
    expect(screen.getByTestId('interflow-flow-row')).toHaveTextContent('net1');
    // Inside the console the backend is reached through the console's plugin proxy.
    const req = backend.flowRequests().at(-1)!;
    expect(req.pathname).toBe('/api/proxy/plugin/interflow-plugin/backend/api/flows');
    expect(req.searchParams.get('filters')).toBe('interfaces=net1');
    // The shared modules came from the share scope, not from copies inside the plugin.
    expect(requested).toEqual(
      expect.arrayContaining([
        'react',
        'react-i18next',
        'react-router',
        '@patternfly/react-core/dist/dynamic/components/Toolbar',
        '@patternfly/react-table/dist/dynamic/components/Table',
      ]),
    );
    expect(loadedScripts.some((f) => f.startsWith('exposed-TrafficFlowsPage.'))).toBe(true);
    expect(loadedScripts.filter((f) => f.startsWith('node_modules_patternfly'))).toEqual([]);
  });

  it('renders the exposed TrafficFlowsTab pre-filtered to the Pod given as `obj`', async () => {
    const Tab = (await container.get('TrafficFlowsTab'))().default;
    render(
      <ReactRouter.MemoryRouter initialEntries={['/k8s/ns/test/pods/iperf-server/interflow-traffic-flows']}>
        <Tab obj={{ kind: 'Pod', metadata: { name: 'iperf-server', namespace: 'test' } }} />
      </ReactRouter.MemoryRouter>,
    );
    await waitFor(() =>
      expect(backend.flowRequests().at(-1)!.searchParams.get('filters')).toBe(
        'pod_namespace=test;pod=iperf-server',
      ),
    );
  });
});
