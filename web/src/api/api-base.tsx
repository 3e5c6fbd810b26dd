// Where the backend is: '' (same origin) for the standalone page, the console's plugin proxy
// inside the console. Provided once by the host module, read by hooks.
import { createContext, useContext } from 'react';

/** ConsolePlugin `spec.proxy[].alias` of the backend service (deploy/ must use the same). */
export const CONSOLE_PROXY_BASE = '/api/proxy/plugin/interflow-plugin/backend';

export const ApiBaseContext = createContext<string>(CONSOLE_PROXY_BASE);

export const useApiBase = (): string => useContext(ApiBaseContext);
