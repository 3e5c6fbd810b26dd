// Stand-in console 4.22 (browser bundle made by stand-in-console-server.ts from the repository's
// node_modules): what consoles 4.22+ share with plugins — React 18, react-router 7,
// react-i18next, PatternFly 6 dynamic modules — and the `window.__load_plugin_entry__` callback.
// It renders the plugin's page at /traffic-flows and its Pod tab at
// /k8s/ns/:ns/pods/:name/interflow-traffic-flows, as the console routes them.
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import * as ReactRouter from 'react-router';
import * as ReactI18next from 'react-i18next';
import { codeRefs, loadPlugin, report, type ConsoleLine } from './host-runtime.ts';
import { initI18n, patternflyModules, SHARED_VERSIONS } from './host-shared.ts';

const CONSOLE_VERSION = '4.22.0';

async function main(): Promise<void> {
  report({ status: 'loading', consoleVersion: CONSOLE_VERSION });
  const line: ConsoleLine = {
    version: CONSOLE_VERSION,
    entryCallback: '__load_plugin_entry__',
    shared: [
      { name: 'react', version: React.version, module: React },
      { name: 'react-router', version: SHARED_VERSIONS['react-router']!, module: ReactRouter },
      { name: 'react-i18next', version: SHARED_VERSIONS['react-i18next']!, module: ReactI18next },
      ...patternflyModules(),
    ],
  };
  const plugin = await loadPlugin(line);
  await initI18n(ReactI18next.initReactI18next);
  const refs = codeRefs(plugin.manifest);
  const Page = (await plugin.component(refs.page)) as React.ComponentType;
  const Tab = (await plugin.component(refs.tab)) as React.ComponentType<{ obj: unknown }>;

  function PodTab() {
    const { ns, name } = ReactRouter.useParams();
    return <Tab obj={{ kind: 'Pod', metadata: { name, namespace: ns } }} />;
  }

  createRoot(document.getElementById('root')!).render(
    <ReactRouter.BrowserRouter>
      <ReactRouter.Routes>
        <ReactRouter.Route path="/traffic-flows/*" element={<Page />} />
        <ReactRouter.Route path="/k8s/ns/:ns/pods/:name/interflow-traffic-flows" element={<PodTab />} />
      </ReactRouter.Routes>
    </ReactRouter.BrowserRouter>,
  );
  report({
    status: 'rendered',
    consoleVersion: CONSOLE_VERSION,
    requested: plugin.requested,
    reactVersion: React.version,
  });
}

main().catch((e: Error) =>
  report({
    status: e.name === 'UnmetPluginDependencyError' ? 'refused' : 'failed',
    consoleVersion: CONSOLE_VERSION,
    error: String(e.message),
  }),
);
