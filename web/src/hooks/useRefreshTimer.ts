// Auto-refresh that never cuts its own request short and does not poll a tab nobody looks at.
// The next refresh is due `refreshS` seconds after the last answer (not on a fixed beat), so a
// request slower than the interval finishes instead of being aborted by the next tick; while
// the page is hidden (document.visibilityState) a due refresh waits until it is shown again.
import { useEffect } from 'react';

/**
 * Calls `onDue` `refreshS` seconds (0 = never) after the request answered by `answered` settled.
 * `answered` changes with every request (its key), so each answer starts a new wait; `settled`
 * is false while a request is in flight, when no refresh is scheduled.
 */
export function useRefreshTimer(
  refreshS: number,
  settled: boolean,
  answered: string,
  onDue: () => void,
): void {
  useEffect(() => {
    if (!refreshS || !settled) return;
    let due = false;
    const fire = () => {
      if (document.visibilityState === 'hidden') due = true;
      else onDue();
    };
    const onVisibility = () => {
      if (due && document.visibilityState !== 'hidden') {
        due = false;
        onDue();
      }
    };
    const timer = setTimeout(fire, refreshS * 1000);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [refreshS, settled, answered, onDue]);
}
