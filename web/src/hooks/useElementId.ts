// A stable unique id for aria/list attributes. React 18 has useId (consoles 4.22+ and the
// standalone page); consoles 4.19-4.21 share React 17, which has none, so there the id comes from
// a counter kept in state (stable for the component's life; the page is not server-rendered, so
// the hydration match that useId exists for is not needed).
import * as React from 'react';

let counter = 0;

function useCounterId(): string {
  const [id] = React.useState(() => `interflow-id-${++counter}`);
  return id;
}

export const useElementId: () => string = (React as { useId?: () => string }).useId ?? useCounterId;
