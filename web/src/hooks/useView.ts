// The view lives in the URL: reading it restores a shared link, writing it pushes a history
// entry so back/forward walk through earlier views.
import { useCallback, useMemo } from 'react';
import { useLocation, useNavigate } from '../routing/router.ts';
import { decodeView, encodeView, hasViewParams, type UrlProblem } from '../model/url-codec.ts';
import type { ViewState } from '../model/view.ts';

export interface UseView {
  view: ViewState;
  problems: UrlProblem[];
  setView: (next: ViewState) => void;
}

export function useView(initial?: ViewState): UseView {
  const location = useLocation();
  const navigate = useNavigate();
  const decoded = useMemo(() => {
    const params = new URLSearchParams(location.search);
    if (!hasViewParams(params) && initial) return { view: initial, problems: [] };
    return decodeView(params);
  }, [location.search, initial]);

  const setView = useCallback(
    (next: ViewState) => {
      // other parameters of the URL (e.g. lng) are kept
      const search = `?${encodeView(next, new URLSearchParams(location.search)).toString()}`;
      navigate({ pathname: location.pathname, search, hash: location.hash });
    },
    [navigate, location.pathname, location.search, location.hash],
  );
  return { view: decoded.view, problems: decoded.problems, setView };
}
