/**
 * The tags of an adverse event: grade or severity, SAE with its criteria, the SAE clock (its state is the server's; the
 * remaining time ticks here), SUSAR, the investigator's signature state.
 */
import { CheckCircleFilled, ClockCircleOutlined, ExclamationCircleFilled, WarningFilled } from '@ant-design/icons';
import { Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AeSeverity,
  AeSeverityScale,
  SaeClock,
  SeriousCriterion,
  SignatureState,
  SusarClock,
} from '../../../electron/api';
import { formatDate, formatDateTime } from '../../i18n/format';
import { clockColors, durationText, gradeColors, severityColors, severityText } from './labels';

/** The current instant, renewed every `ms` (the countdowns). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export function SeverityTag({
  scale,
  grade,
  severity,
}: {
  scale: AeSeverityScale | null;
  grade: number | null;
  severity: AeSeverity | null;
}) {
  const text = severityText(scale, grade, severity);
  if (!text) return null;
  const color =
    scale !== 'aesev' && grade !== null ? gradeColors[grade] : severity ? severityColors[severity] : undefined;
  return (
    <Tag color={color} variant="filled" style={{ marginInlineEnd: 0 }} data-testid="ae-severity">
      {text}
    </Tag>
  );
}

export function SeriousTag({ criteria }: { criteria: readonly SeriousCriterion[] }) {
  const { t } = useTranslation();
  const sep = t('format.listSeparator');
  return (
    <Tooltip title={criteria.map((c) => t(`aesUi.criteria.${c}`)).join(sep)}>
      <Tag color="red" style={{ marginInlineEnd: 0 }} data-testid="ae-serious">
        SAE{criteria.length > 0 && ` · ${criteria.map((c) => t(`aesUi.criteriaShort.${c}`)).join(sep)}`}
      </Tag>
    </Tooltip>
  );
}

/**
 * The SAE reporting clock: due (with the time left, counting down), overdue (by how long), reported on time, reported
 * late. `onExpired` is called when a due clock runs out on screen, so that the caller asks the server again.
 */
export function SaeClockTag({ clock, onExpired }: { clock: SaeClock; onExpired?: () => void }) {
  const { t } = useTranslation();
  const now = useNow(clock.state === 'due' || clock.state === 'overdue' ? 15_000 : 3_600_000);
  const due = Date.parse(clock.dueAt);

  useEffect(() => {
    if (clock.state !== 'due' || !onExpired) return;
    const left = due - Date.now();
    // setTimeout holds at most ~24.8 days
    if (left > 2_000_000_000) return;
    const timer = setTimeout(onExpired, Math.max(0, left) + 1_000);
    return () => clearTimeout(timer);
  }, [clock.state, due, onExpired]);

  const text =
    clock.state === 'due'
      ? t('aesUi.clock.due', { left: durationText(due - now) })
      : clock.state === 'overdue'
        ? t('aesUi.clock.overdue', { late: durationText(now - due) })
        : clock.state === 'late'
          ? t('aesUi.clock.late', { late: durationText(Date.parse(clock.reportedAt ?? clock.dueAt) - due) })
          : t('aesUi.clock.on_time');
  const hint = clock.reportedAt
    ? t('aesUi.clock.reportedHint', { reported: formatDateTime(clock.reportedAt), due: formatDateTime(clock.dueAt) })
    : t('aesUi.clock.dueHint', { due: formatDateTime(clock.dueAt), hours: clock.hours });
  const icon =
    clock.state === 'on_time' ? (
      <CheckCircleFilled />
    ) : clock.state === 'due' ? (
      <ClockCircleOutlined />
    ) : (
      <ExclamationCircleFilled />
    );
  return (
    <Tooltip title={hint}>
      <Tag
        color={clockColors[clock.state]}
        icon={icon}
        // a long countdown wraps in a narrow cell rather than overflowing it
        style={{ marginInlineEnd: 0, whiteSpace: 'normal', height: 'auto' }}
        data-testid="sae-clock"
        data-state={clock.state}
      >
        {text}
      </Tag>
    </Tooltip>
  );
}

export function SusarTag() {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('aesUi.susar.hint')}>
      <Tag color="volcano" variant="solid" style={{ marginInlineEnd: 0 }} data-testid="ae-susar">
        {t('aesUi.susar.tag')}
      </Tag>
    </Tooltip>
  );
}

/** "申办方快速报告时限（供参考）：7 天 …" */
export function SusarClockText({ clock }: { clock: SusarClock }) {
  const { t } = useTranslation();
  return (
    <Typography.Text data-testid="susar-clock">
      {t('aesUi.susar.clock', { days: clock.days, from: formatDateTime(clock.fromAt), due: formatDate(clock.dueDate) })}
    </Typography.Text>
  );
}

export function SignatureTag({
  state,
  signedBy,
  signedAt,
}: {
  state: SignatureState;
  signedBy: string | null;
  signedAt: string | null;
}) {
  const { t } = useTranslation();
  if (state === 'valid') {
    return (
      <Tooltip title={t('aesUi.signature.validHint', { name: signedBy ?? '', at: formatDateTime(signedAt) })}>
        <Tag color="success" icon={<CheckCircleFilled />} style={{ marginInlineEnd: 0 }} data-testid="ae-signature">
          {t('aesUi.signature.valid')}
        </Tag>
      </Tooltip>
    );
  }
  if (state === 'invalidated') {
    return (
      <Tooltip title={t('aesUi.signature.invalidatedHint')}>
        <Tag color="error" icon={<WarningFilled />} style={{ marginInlineEnd: 0 }} data-testid="ae-signature">
          {t('aesUi.signature.invalidated')}
        </Tag>
      </Tooltip>
    );
  }
  return (
    <Tag style={{ marginInlineEnd: 0 }} data-testid="ae-signature">
      {t('aesUi.signature.none')}
    </Tag>
  );
}

/** Tags side by side, wrapping in a narrow cell. */
export function TagRow({ children }: { children: React.ReactNode }) {
  return (
    <Space size={4} wrap>
      {children}
    </Space>
  );
}
