// The view lives in the URL: reading it restores a shared link, writing it pushes a history
// entry so back/forward walk through earlier views. A link with parts that cannot be used is
// rewritten (replacing its history entry) to the view shown; its warnings travel in that
// entry's state, so they stay on screen until the view is next changed.
import { useCallback, useEffect, useMemo } from 'react';
import { useLocation, useNavigate } from '../routing/router.ts';
import { decodeRefresh, decodeView, encodeView, hasViewParams, type UrlProblem } from '../model/url-codec.ts';
import type { ViewState } from '../model/view.ts';

export interface UseView {
  view: ViewState;
  problems: UrlProblem[];
  /** `replace`: rewrite the current history entry instead of adding one (a change nobody asked for). */
  setView: (next: ViewState, options?: { replace?: boolean }) => void;
}

/** The history state of a rewritten link: the warnings of what it said. */
interface RewrittenLink {
  urlProblems: UrlProblem[];
}

function linkProblems(state: unknown): UrlProblem[] {
  const problems = (state as Partial<RewrittenLink> | null)?.urlProblems;
  return Array.isArray(problems) ? problems : [];
}

export function useView(initial?: ViewState): UseView {
  const location = useLocation();
  const navigate = useNavigate();
  const decoded = useMemo(() => {
    const params = new URLSearchParams(location.search);
    if (!hasViewParams(params) && initial) {
      // the link's auto-refresh still applies to a tab's own initial view
      const problems: UrlProblem[] = [];
      return { view: { ...initial, refreshS: decodeRefresh(params, problems) }, problems };
    }
    return decodeView(params);
  }, [location.search, initial]);
  useEffect(() => {
    if (!decoded.problems.length) return;
    const search = `?${encodeView(decoded.view, new URLSearchParams(location.search)).toString()}`;
    const state: RewrittenLink = { urlProblems: decoded.problems };
    navigate({ pathname: location.pathname, search, hash: location.hash }, { replace: true, state });
  }, [decoded, navigate, location.pathname, location.search, location.hash]);

  const setView = useCallback(
    (next: ViewState, options?: { replace?: boolean }) => {
      // other parameters of the URL (e.g. lng) are kept
      const search = `?${encodeView(next, new URLSearchParams(location.search)).toString()}`;
      navigate({ pathname: location.pathname, search, hash: location.hash }, { replace: !!options?.replace });
    },
    [navigate, location.pathname, location.search, location.hash],
  );
  return {
    view: decoded.view,
    problems: decoded.problems.length ? decoded.problems : linkProblems(location.state),
    setView,
  };
}
