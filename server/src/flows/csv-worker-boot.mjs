// Entry of the export worker thread (csv-worker-thread.ts starts it). The backend runs its
// TypeScript through tsx (`node --import tsx`, or the tsx command, which passes its loader as
// `--import file:///…/tsx/dist/loader.mjs`). Node 20 does not run a process's --import hooks in
// its worker threads (they are inherited from Node 22 on), so tsx is registered again here,
// through its API next to the loader the process was given, before the worker's code loads.
const flag = process.execArgv.findIndex((a) => a === '--import' || a.startsWith('--import='));
const given = flag < 0 ? undefined : process.execArgv[flag].slice(9) || process.execArgv[flag + 1];
const api =
  given === 'tsx' || given === 'tsx/esm'
    ? 'tsx/esm/api'
    : given && /\/tsx\/dist\/loader\.mjs$/.test(given)
      ? given.replace(/dist\/loader\.mjs$/, 'dist/esm/api/index.mjs')
      : undefined;
if (api) (await import(api)).register();
await import('./csv-worker.ts');
