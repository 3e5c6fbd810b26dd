// The Traffic Flows page outside the console (served by the backend at /traffic-flows).
// Stand-ins only for what the console provides at runtime: router, i18n loader, theme and
// the page chrome. The backend is on the same origin, so the API base is ''.
import '@patternfly/react-core/dist/styles/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiBaseContext } from '../api/api-base.tsx';
import TrafficFlowsPage from '../components/traffic-flows/TrafficFlowsPage.tsx';
import { initStandaloneI18n, pickLanguage } from './i18n-setup.ts';
import { applyTheme } from './theme.ts';
import './standalone.css';

async function start() {
  applyTheme(window);
  const i18n = await initStandaloneI18n(pickLanguage(window.location.search, navigator.languages ?? []));
  // The console titles its pages itself; standalone, the tab says where we are, translated.
  document.title = `${i18n.t('Traffic Flows')} · Interflow`;
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ApiBaseContext.Provider value="">
        <BrowserRouter>
          <Routes>
            <Route
              path="/traffic-flows/*"
              element={
                // stand-in for the console's page chrome: a padded main area
                <main className="interflow-standalone">
                  <TrafficFlowsPage />
                </main>
              }
            />
            <Route path="*" element={<Navigate to="/traffic-flows" replace />} />
          </Routes>
        </BrowserRouter>
      </ApiBaseContext.Provider>
    </StrictMode>,
  );
}

void start();
