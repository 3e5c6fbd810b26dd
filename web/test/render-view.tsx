// Renders a component inside a memory router (the console's router stand-in) and exposes the
// current location so tests can assert what the URL became.
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import {
  MemoryRouter,
  Route,
  Routes,
  useLocation,
  useNavigate,
  type Location,
  type NavigateFunction,
} from 'react-router';
import { ApiBaseContext } from '../src/api/api-base.tsx';

export function renderAt(url: string, ui: ReactElement) {
  const current: { location: Location | null; navigate: NavigateFunction | null } = {
    location: null,
    navigate: null,
  };
  function Spy() {
    current.location = useLocation();
    current.navigate = useNavigate();
    return null;
  }
  const result = render(
    <ApiBaseContext.Provider value="">
      <MemoryRouter initialEntries={[url]}>
        <Routes>
          <Route
            path="*"
            element={
              <>
                <Spy />
                {ui}
              </>
            }
          />
        </Routes>
      </MemoryRouter>
    </ApiBaseContext.Provider>,
  );
  const search = () => new URLSearchParams(current.location?.search ?? '');
  /** Browser back button. */
  const back = () => current.navigate?.(-1);
  /** Browser forward button. */
  const forward = () => current.navigate?.(1);
  /** Following a link to `to` (path and query) inside the app. */
  const go = (to: string) => current.navigate?.(to);
  return { ...result, search, back, forward, go };
}
