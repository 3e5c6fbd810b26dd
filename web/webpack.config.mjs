// Two builds from one config (run from the repository root: `npm run build:web`):
//  1. the console dynamic plugin (ConsoleRemotePlugin: module federation container
//     plugin-entry.js + plugin-manifest.json + hashed chunks) into dist/, with the i18n
//     catalogs copied to dist/locales/{lng}/{ns}.json where the console loads them;
//  2. the standalone page into dist/standalone/ (index.html + hashed assets under /standalone/).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { StandaloneHtmlPlugin } from './tools/standalone-html-plugin.mjs';

const require = createRequire(import.meta.url);
const { ConsoleRemotePlugin } = require('@openshift-console/dynamic-plugin-sdk-webpack');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(root, process.env.INTERFLOW_WEB_DIST ?? 'dist');

/**
 * The console SDK reads the plugin's package.json from the working directory: its dependencies
 * decide which PatternFly packages are shared with the console as dynamic modules (and their
 * version ranges). With npm workspaces the package that depends on PatternFly and React is
 * web/, while the plugin metadata (`consolePlugin` of the root package.json) and
 * console-extensions.json stay at the root. So the plugin is made inside web/ and given both.
 */
function consoleRemotePlugin() {
  const rootPkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
  const extensions = JSON.parse(readFileSync(resolve(root, 'console-extensions.json'), 'utf8'));
  const cwd = process.cwd();
  process.chdir(resolve(root, 'web'));
  try {
    return new ConsoleRemotePlugin({
      pluginMetadata: rootPkg.consolePlugin,
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

/** @type {import('webpack').Configuration} */
const pluginBuild = {
  ...common,
  name: 'plugin',
  entry: {},
  output: {
    path: dist,
    filename: '[name].[contenthash].js',
    chunkFilename: '[name].[contenthash].js',
    clean: { keep: /^standalone\// },
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
    consoleRemotePlugin(),
    new CopyWebpackPlugin({ patterns: [{ from: resolve(root, 'i18n/locales'), to: 'locales' }] }),
  ],
};

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

export default [pluginBuild, standaloneBuild];
