/**
 * The SAE board's live countdowns. Display only: the server's clock state (due / overdue / reported) is what the board
 * says in words; these tick every second from the board's `now` (the host's instant), so that a workstation whose
 * clock is off still counts down the host's time.
 */
import { Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

const HOUR = 3_600_000;

/** The host's "now" in ms, ticking every second from `serverNow` (the instant the last answer was computed at). */
export function useServerNow(serverNow: string | undefined): number | null {
  const [clock, setClock] = useState<{ from: string; now: number } | null>(null);
  useEffect(() => {
    if (!serverNow) return;
    const base = Date.parse(serverNow);
    const started = Date.now();
    const tick = () => setClock({ from: serverNow, now: base + Date.now() - started });
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [serverNow]);
  if (!serverNow) return null;
  // until the first tick of this answer: the instant it was computed at
  return clock?.from === serverNow ? clock.now : Date.parse(serverNow);
}

const two = (n: number) => String(n).padStart(2, '0');

/** hh:mm:ss of a duration (hours may exceed 24). */
export function hms(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

/** Time left to `dueAt`, or — past it — how long overdue, in red. */
export function Countdown({ dueAt, now }: { dueAt: string; now: number | null }) {
  const { t } = useTranslation();
  if (now === null) return null;
  const left = Date.parse(dueAt) - now;
  if (left > 0) {
    return (
      <Typography.Text strong className="td-mono" data-testid="sae-countdown" style={{ fontSize: 15 }}>
        {hms(left)}
      </Typography.Text>
    );
  }
  return (
    <span data-testid="sae-countdown" data-overdue="true">
      <Typography.Text type="danger" strong>
        {t('safetyUi.board.overdueBy', { hours: Math.floor(-left / HOUR) })}
      </Typography.Text>{' '}
      <Typography.Text type="danger" className="td-mono" style={{ fontSize: 12 }}>
        +{hms(-left)}
      </Typography.Text>
    </span>
  );
}
