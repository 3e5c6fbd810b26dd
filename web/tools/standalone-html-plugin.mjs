// Writes dist/standalone/index.html from a template, with the entry's hashed scripts (and
// styles, if any were extracted) inserted at the marker comments.
export class StandaloneHtmlPlugin {
  constructor({ template, filename = 'index.html' }) {
    this.template = template;
    this.filename = filename;
  }

  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    compiler.hooks.thisCompilation.tap('StandaloneHtmlPlugin', (compilation) => {
      compilation.fileDependencies.add(this.template);
      compilation.hooks.processAssets.tapPromise(
        { name: 'StandaloneHtmlPlugin', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE },
        async () => {
          const { readFile } = await import('node:fs/promises');
          const html = await readFile(this.template, 'utf8');
          const publicPath = compilation.getPath(compilation.outputOptions.publicPath ?? '/');
          const files = [...compilation.entrypoints.values()].flatMap((e) => e.getFiles());
          const scripts = files
            .filter((f) => f.endsWith('.js'))
            .map((f) => `<script defer src="${publicPath}${f}"></script>`);
          const styles = files
            .filter((f) => f.endsWith('.css'))
            .map((f) => `<link rel="stylesheet" href="${publicPath}${f}" />`);
          const out = html
            .replace('<!--interflow:styles-->', styles.join('\n    '))
            .replace('<!--interflow:scripts-->', scripts.join('\n    '));
          compilation.emitAsset(this.filename, new RawSource(out));
        },
      );
    });
  }
}
