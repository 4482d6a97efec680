import { useEffect, useState } from 'react';
import { call } from '../../api/client';

type Listener = () => void;
const listeners = new Set<Listener>();

/** Says that SAEs were reported or recorded here, so that whatever counts them (the menu's badge) asks again. */
export function saesChanged(): void {
  for (const listener of listeners) listener();
}

/**
 * The number of SAEs whose initial report is overdue (the server's clock state), over the studies the user may see;
 * asked again when `page` changes and when SAEs are reported. null until known, or when the server refuses.
 */
export function useSaeOverdueCount(page: string | null): number | null {
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
    call('aes.saeBoard', { studyId: null, recentDays: 0 }).then(
      (board) => current && setCount(board.open.filter((r) => r.clock.state === 'overdue').length),
      () => current && setCount(null),
    );
    return () => {
      current = false;
    };
  }, [page, changes]);

  return count;
}
