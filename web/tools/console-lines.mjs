// The console lines the plugin is built for (docs/web.md, "Console versions"). Each line is built
// with the SDK packages of its oldest console, as the console dynamic-plugin-sdk README advises
// ("the major and minor version number indicates the earliest supported OCP Console version"):
//  - 4.19: consoles 4.19-4.21 share React 17, react-i18next 11 and React Router 5 with its v6 API
//    in `react-router-dom-v5-compat` (SDK 4.19 package.json), and call `window.loadPluginEntry`;
//  - 4.22: consoles 4.22+ share React 18 and react-router 7, and call
//    `window.__load_plugin_entry__` (SDK-webpack 4.22 CHANGELOG).
// One backend image serves both: the 4.22 build at dist/ (ConsolePlugin basePath `/`), the 4.19
// build at dist/console-4.19/ (basePath `/console-4.19/`). Each manifest's @console/pluginAPI
// range is the consoles that line serves, with `-0` so pre-release consoles (4.22.0-0.nightly…)
// match too; the console refuses a plugin whose range does not contain its version.
export const CONSOLE_LINES = [
  {
    line: '4.19',
    consoles: '4.19-4.21',
    pluginAPI: '>=4.19.0-0 <4.22.0-0',
    // the directory whose package.json names this line's SDK packages (their own node_modules)
    sdkPackageDir: 'web-console-4.19',
    outDir: 'console-4.19',
    basePath: '/console-4.19/',
    entryCallback: 'loadPluginEntry',
    router: 'web/src/routing/router-v5-compat.ts',
  },
  {
    line: '4.22',
    consoles: '4.22+',
    pluginAPI: '>=4.22.0-0',
    sdkPackageDir: 'web',
    outDir: '',
    basePath: '/',
    entryCallback: '__load_plugin_entry__',
    router: 'web/src/routing/router.ts',
  },
];
