// Three builds from one config (run from the repository root: `npm run build:web`):
//  1. the console dynamic plugin, once per console line (web/tools/console-lines.mjs), each with
//     that line's SDK packages (ConsoleRemotePlugin: module federation container plugin-entry.js +
//     plugin-manifest.json + hashed chunks): consoles 4.22+ into dist/, consoles 4.19-4.21 into
//     dist/console-4.19/, each with the i18n catalogs copied to locales/{lng}/{ns}.json where the
//     console loads them;
//  2. the standalone page into dist/standalone/ (index.html + hashed assets under /standalone/).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import webpack from 'webpack';
import { CONSOLE_LINES } from './tools/console-lines.mjs';
import { StandaloneHtmlPlugin } from './tools/standalone-html-plugin.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, process.env.INTERFLOW_WEB_DIST ?? 'dist');

/**
 * The console SDK reads the plugin's package.json from the working directory: its dependencies
 * decide which PatternFly packages are shared with the console as dynamic modules (and their
 * version ranges), and the shared modules' required versions come from the package.json of the
 * `@openshift-console/dynamic-plugin-sdk` that the SDK-webpack package resolves from its own
 * place. With npm workspaces the package that depends on PatternFly and React is web/ (SDK 4.22,
 * hoisted to the root), and web-console-4.19/ holds the 4.19 SDK packages in its own
 * node_modules; the plugin metadata (`consolePlugin` of the root package.json, the range per
 * line) and console-extensions.json stay at the root. So each line's plugin is made inside its
 * SDK directory, with that directory's SDK-webpack, and given both.
 */
function consoleRemotePlugin(line) {
  const rootPkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
  const extensions = JSON.parse(readFileSync(resolve(root, 'console-extensions.json'), 'utf8'));
  const sdkDir = resolve(root, line.sdkPackageDir);
  const { ConsoleRemotePlugin } = createRequire(join(sdkDir, 'package.json'))(
    '@openshift-console/dynamic-plugin-sdk-webpack',
  );
  const cwd = process.cwd();
  process.chdir(sdkDir);
  try {
    return new ConsoleRemotePlugin({
      pluginMetadata: {
        ...rootPkg.consolePlugin,
        dependencies: { ...rootPkg.consolePlugin.dependencies, '@console/pluginAPI': line.pluginAPI },
      },
      extensions,
      sharedDynamicModuleSettings: { modulePaths: [resolve(root, 'node_modules')] },
    });
  } finally {
    process.chdir(cwd);
  }
}

/**
 * PatternFly's stylesheets come from the console: the SDK leaves them out of the build, but
 * looks for them under the plugin package's own node_modules, which npm hoists to the root.
 */
function patternflyStylesheets() {
  const dir = resolve(root, 'node_modules/@patternfly/react-styles');
  return readdirSync(dir, { recursive: true })
    .filter((f) => String(f).endsWith('.css'))
    .map((f) => join(dir, String(f)));
}

const tsRule = {
  test: /\.(m?[jt]sx?)$/,
  exclude: /node_modules/,
  loader: 'esbuild-loader',
  options: { loader: 'tsx', target: 'es2021', jsx: 'automatic' },
};

const common = {
  mode: 'production',
  context: root,
  devtool: 'source-map',
  resolve: {
    extensions: ['.ts', '.tsx', '.js', '.jsx'],
    // sources import each other with explicit .ts/.tsx extensions (repository convention)
    extensionAlias: { '.js': ['.js', '.ts', '.tsx'] },
  },
  performance: { hints: false },
  stats: 'errors-warnings',
};

// The SDK names the entry `plugin-entry.[fullhash].min.js` when NODE_ENV=production; the
// backend contract serves a stable `plugin-entry.js` with `Cache-Control: no-cache` instead.
if (process.env.NODE_ENV === 'production') delete process.env.NODE_ENV;

/** Other builds' folders inside dist/, which the build at dist/ itself must not clean away. */
const nestedOutputs = ['standalone', ...CONSOLE_LINES.map((l) => l.outDir).filter(Boolean)];

/** The router module each build uses in place of web/src/routing/router.ts (the line's router). */
const ROUTER_MODULE = /[\\/]routing[\\/]router\.ts$/;

/** @returns {import('webpack').Configuration} */
const pluginBuild = (line) => ({
  ...common,
  name: `plugin-${line.line}`,
  entry: {},
  output: {
    path: resolve(dist, line.outDir),
    filename: '[name].[contenthash].js',
    chunkFilename: '[name].[contenthash].js',
    clean: line.outDir ? true : { keep: new RegExp(`^(${nestedOutputs.join('|')})/`) },
  },
  resolve: {
    ...common.resolve,
    alias: Object.fromEntries(patternflyStylesheets().map((file) => [file, false])),
  },
  module: {
    rules: [tsRule, { test: /\.css$/, use: ['style-loader', 'css-loader'] }],
  },
  optimization: { chunkIds: 'named', moduleIds: 'deterministic', splitChunks: false },
  plugins: [
    new webpack.NormalModuleReplacementPlugin(ROUTER_MODULE, (r) => {
      r.request = resolve(root, line.router);
    }),
    consoleRemotePlugin(line),
    new CopyWebpackPlugin({ patterns: [{ from: resolve(root, 'i18n/locales'), to: 'locales' }] }),
  ],
});

/** @type {import('webpack').Configuration} */
const standaloneBuild = {
  ...common,
  name: 'standalone',
  entry: { main: resolve(root, 'web/src/standalone/main.tsx') },
  output: {
    path: resolve(dist, 'standalone'),
    publicPath: '/standalone/',
    filename: '[name].[contenthash].js',
    chunkFilename: '[name].[contenthash].js',
    assetModuleFilename: 'assets/[name].[contenthash][ext]',
    clean: true,
  },
  module: {
    rules: [
      tsRule,
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(woff2?|ttf|eot|svg|png|jpg|gif)$/, type: 'asset/resource' },
    ],
  },
  plugins: [new StandaloneHtmlPlugin({ template: resolve(root, 'web/src/standalone/index.html') })],
};

export default [...CONSOLE_LINES.map(pluginBuild), standaloneBuild];
