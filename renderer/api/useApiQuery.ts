import { useCallback, useEffect, useState } from 'react';
import type { ApiError, ChannelName, InputOf, OutputOf } from '../../electron/api';
import { asApiError, call } from './client';

interface Settled<T> {
  key: string;
  data?: T;
  error?: ApiError;
}

export interface Query<T> {
  /** the last answer; kept while a newer request runs, so tables do not flash empty */
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads one channel's answer for an input and reloads when the input (compared as JSON) or `refresh` changes. Answers
 * to older requests are dropped.
 */
export function useApiQuery<C extends ChannelName>(channel: C, input: InputOf<C>, refresh = 0): Query<OutputOf<C>> {
  const [version, setVersion] = useState(0);
  const [settled, setSettled] = useState<Settled<OutputOf<C>>>();
  const key = JSON.stringify([channel, input, refresh, version]);

  useEffect(() => {
    let current = true;
    const [ch, payload] = JSON.parse(key) as [C, InputOf<C>];
    call(ch, payload).then(
      (data) => current && setSettled({ key, data }),
      (err: unknown) => current && setSettled((prev) => ({ key, data: prev?.data, error: asApiError(err) })),
    );
    return () => {
      current = false;
    };
  }, [key]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const fresh = settled?.key === key;
  return { data: settled?.data, error: fresh ? settled.error : undefined, loading: !fresh, reload };
}
