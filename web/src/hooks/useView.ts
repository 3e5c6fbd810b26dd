// The view lives in the URL: reading it restores a shared link, writing it pushes a history
// entry so back/forward walk through earlier views.
import { useCallback, useMemo } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { decodeView, encodeView, type UrlProblem } from '../model/url-codec.ts';
import type { ViewState } from '../model/view.ts';

export interface UseView {
  view: ViewState;
  problems: UrlProblem[];
  setView: (next: ViewState) => void;
  /** Query string of the view (starts with "?"), for links. */
  search: (next: ViewState) => string;
}

export function useView(initial?: ViewState): UseView {
  const location = useLocation();
  const navigate = useNavigate();
  const decoded = useMemo(() => {
    const params = new URLSearchParams(location.search);
    const hasView = ['filters', 'match', 'timeRange', 'startTime', 'endTime', 'limit', 'cols', 'sort'].some(
      (k) => params.has(k),
    );
    if (!hasView && initial) return { view: initial, problems: [] };
    return decodeView(params);
  }, [location.search, initial]);

  const search = useCallback(
    (next: ViewState) => `?${encodeView(next, new URLSearchParams(location.search)).toString()}`,
    [location.search],
  );
  const setView = useCallback(
    (next: ViewState) => {
      navigate({ pathname: location.pathname, search: search(next), hash: location.hash });
    },
    [navigate, location.pathname, location.hash, search],
  );
  return { view: decoded.view, problems: decoded.problems, setView, search };
}
