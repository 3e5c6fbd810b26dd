// Stand-in for the console's theme switch: PatternFly's dark theme class on <html> follows the
// operating system's preference, as the console does with its "system default" theme.
export function applyTheme(win: Window): void {
  const query = win.matchMedia?.('(prefers-color-scheme: dark)');
  const apply = () =>
    win.document.documentElement.classList.toggle('pf-v6-theme-dark', Boolean(query?.matches));
  apply();
  query?.addEventListener?.('change', apply);
}
