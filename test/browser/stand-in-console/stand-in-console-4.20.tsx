// Stand-in console 4.20 (browser bundle made by stand-in-console-server.ts with React, react-dom,
// react-i18next and React Router taken from web-console-4.19/node_modules): what consoles
// 4.19-4.21 share with plugins — React 17, react-i18next 11, React Router 5 with the v6 API in
// `react-router-dom-v5-compat` (the console wraps its routes in CompatRouter), PatternFly 6
// dynamic modules — and the `window.loadPluginEntry` callback. Same routes as the 4.22 host.
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactRouterDom from 'react-router-dom';
import * as ReactRouterDomV5Compat from 'react-router-dom-v5-compat';
import * as ReactI18next from 'react-i18next';
import { codeRefs, loadPlugin, report, type ConsoleLine } from './host-runtime.ts';
import { initI18n, patternflyModules, SHARED_VERSIONS } from './host-shared.ts';

const CONSOLE_VERSION = '4.20.8';

async function main(): Promise<void> {
  report({ status: 'loading', consoleVersion: CONSOLE_VERSION });
  const line: ConsoleLine = {
    version: CONSOLE_VERSION,
    entryCallback: 'loadPluginEntry',
    shared: [
      { name: 'react', version: React.version, module: React },
      { name: 'react-router-dom', version: SHARED_VERSIONS['react-router-dom']!, module: ReactRouterDom },
      {
        name: 'react-router-dom-v5-compat',
        version: SHARED_VERSIONS['react-router-dom-v5-compat']!,
        module: ReactRouterDomV5Compat,
      },
      { name: 'react-i18next', version: SHARED_VERSIONS['react-i18next']!, module: ReactI18next },
      ...patternflyModules(),
    ],
  };
  const plugin = await loadPlugin(line);
  await initI18n(ReactI18next.initReactI18next);
  const refs = codeRefs(plugin.manifest);
  const Page = (await plugin.component(refs.page)) as React.ComponentType;
  const Tab = (await plugin.component(refs.tab)) as React.ComponentType<{ obj: unknown }>;

  ReactDOM.render(
    <ReactRouterDom.BrowserRouter>
      <ReactRouterDomV5Compat.CompatRouter>
        <ReactRouterDom.Switch>
          <ReactRouterDom.Route path="/traffic-flows" render={() => <Page />} />
          <ReactRouterDom.Route
            path="/k8s/ns/:ns/pods/:name/interflow-traffic-flows"
            render={({ match }) => (
              <Tab obj={{ kind: 'Pod', metadata: { name: match.params.name, namespace: match.params.ns } }} />
            )}
          />
        </ReactRouterDom.Switch>
      </ReactRouterDomV5Compat.CompatRouter>
    </ReactRouterDom.BrowserRouter>,
    document.getElementById('root'),
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
