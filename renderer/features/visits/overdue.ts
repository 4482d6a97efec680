import { useEffect, useState } from 'react';
import { call } from '../../api/client';

type Listener = () => void;
const listeners = new Set<Listener>();

/** Says that visits were recorded here, so that whatever counts them (the menu's badge) asks again. */
export function visitsChanged(): void {
  for (const listener of listeners) listener();
}

/**
 * The number of planned visits whose window has closed, over the studies the user may see; asked again when `page`
 * changes and when visits are recorded. null until known, for `page` null (not asked: a monitor's menu has no visits),
 * or when the server refuses (no badge then).
 */
export function useOverdueCount(page: string | null): number | null {
  const [count, setCount] = useState<number | null>(null);
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    const listener = () => setChanges((n) => n + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);

  useEffect(() => {
    if (page === null) return;
    let current = true;
    call('visits.overdueCount', {}).then(
      (r) => current && setCount(r.count),
      () => current && setCount(null),
    );
    return () => {
      current = false;
    };
  }, [page, changes]);

  return count;
}
