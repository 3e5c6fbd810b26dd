// Every visible string of the plugin goes through this namespace (console convention: plugin__<name>).
import { useTranslation } from 'react-i18next';

export const I18N_NAMESPACE = 'plugin__interflow-plugin';

// The literal namespace lets i18next-parser see it.
export const useT = () => useTranslation('plugin__interflow-plugin').t;
