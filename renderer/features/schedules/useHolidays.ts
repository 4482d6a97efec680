import { useEffect, useState } from 'react';
import type { HolidayView } from '../../../electron/api';
import { call } from '../../api/client';

/**
 * The official holidays and make-up working days of some years, by date (for marking target dates that fall on a day
 * off). A year that cannot be loaded simply marks nothing: weekends are still known without it.
 */
export function useHolidays(years: readonly number[]): ReadonlyMap<string, HolidayView> {
  const [byYear, setByYear] = useState<Record<number, HolidayView[]>>({});
  const wanted = [...new Set(years)].sort().join(',');

  useEffect(() => {
    let current = true;
    const missing = wanted
      .split(',')
      .filter(Boolean)
      .map(Number)
      .filter((y) => y >= 2000 && y <= 2100);
    for (const year of missing) {
      call('holidays.list', { year }).then(
        (list) => current && setByYear((prev) => (prev[year] ? prev : { ...prev, [year]: list })),
        () => undefined,
      );
    }
    return () => {
      current = false;
    };
  }, [wanted]);

  return new Map(
    Object.values(byYear)
      .flat()
      .map((h) => [h.date, h]),
  );
}
