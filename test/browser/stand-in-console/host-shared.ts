// What both stand-in console hosts share: PatternFly's dynamic modules and i18n set-up.
// `__PF_DYNAMIC_MODULES__` and `__SHARED_VERSIONS__` are defined by stand-in-console-server.ts
// when it bundles a host: the PatternFly dynamic module names come from the console SDK's own
// parser (the list a console shares), the versions from the package.json of each module bundled.
import i18next, { type Module } from 'i18next';
import * as PatternflyCore from '@patternfly/react-core';
import * as PatternflyIcons from '@patternfly/react-icons';
import * as PatternflyTable from '@patternfly/react-table';
import { PLUGIN_BASE, type SharedModule } from './host-runtime.ts';

declare const __PF_DYNAMIC_MODULES__: Record<string, string[]>;
declare const __SHARED_VERSIONS__: Record<string, string>;

export const SHARED_VERSIONS = __SHARED_VERSIONS__;

const PACKAGES: Record<string, unknown> = {
  '@patternfly/react-core': PatternflyCore,
  '@patternfly/react-icons': PatternflyIcons,
  '@patternfly/react-table': PatternflyTable,
};

/**
 * Every PatternFly dynamic module the console shares. Each is given as its package's index
 * namespace, which holds every export of every dynamic module of that package.
 */
export function patternflyModules(): SharedModule[] {
  return Object.entries(__PF_DYNAMIC_MODULES__).flatMap(([pkg, requests]) =>
    requests.map((request) => ({
      name: `${pkg}/${request}`,
      version: SHARED_VERSIONS[pkg]!,
      module: PACKAGES[pkg],
    })),
  );
}

const NAMESPACE = 'plugin__interflow-plugin';

/** The console's i18next with the plugin's namespace loaded from its locales/ (English). */
export async function initI18n(reactModule: Module): Promise<void> {
  const res = await fetch(`${PLUGIN_BASE}locales/en/${NAMESPACE}.json`);
  if (!res.ok) throw new Error(`locales/en/${NAMESPACE}.json: HTTP ${res.status}`);
  await i18next.use(reactModule).init({
    lng: 'en',
    fallbackLng: 'en',
    ns: [NAMESPACE],
    resources: { en: { [NAMESPACE]: (await res.json()) as Record<string, string> } },
    interpolation: { escapeValue: false },
    nsSeparator: '~',
    keySeparator: false,
  });
}
