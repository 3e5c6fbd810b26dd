// Every visible string of the plugin goes through this namespace (console convention: plugin__<name>).
import { useTranslation } from 'react-i18next';

export const I18N_NAMESPACE = 'plugin__interflow-plugin';

export const useT = () => useTranslation(I18N_NAMESPACE).t;
