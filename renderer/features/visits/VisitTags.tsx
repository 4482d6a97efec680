import { Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { VisitStatus, VisitView } from '../../../electron/api';
import { cycleDayText, holidayText, isOverdue, visitStatusColors } from './labels';

export function VisitStatusTag({ status }: { status: VisitStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={visitStatusColors[status]} data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`visitsUi.status.${status}`)}
    </Tag>
  );
}

/** The target falls on a weekend or an official holiday: said, never moved. */
export function HolidayTag({ holiday }: { holiday: string | null }) {
  const { t } = useTranslation();
  if (!holiday) return null;
  return (
    <Tooltip title={t('visitsUi.holidayHint')}>
      <Tag color="magenta" variant="filled" data-testid="flag-holiday" style={{ marginInlineEnd: 0 }}>
        {holidayText(holiday)}
      </Tag>
    </Tooltip>
  );
}

/** "C2D8 治疗期访视" with "第2周期 第8天" under it when the visit belongs to a cycle. */
export function VisitName({
  code,
  name,
  cycle,
  cycleDay,
}: {
  code: string;
  name: string;
  cycle: number | null;
  cycleDay: number | null;
}) {
  const cycleText = cycleDayText(cycle, cycleDay);
  return (
    <div style={{ lineHeight: 1.35 }}>
      <Typography.Text strong className="td-mono" style={{ marginInlineEnd: 6 }}>
        {code}
      </Typography.Text>
      <Typography.Text>{name}</Typography.Text>
      {cycleText && (
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
          {cycleText}
        </Typography.Text>
      )}
    </div>
  );
}

/** What needs attention on a visit: out of window, holiday, overdue, the deviation decision. */
export function VisitFlags({
  visit,
  today,
}: {
  visit: Pick<
    VisitView,
    | 'status'
    | 'windowEnd'
    | 'outOfWindow'
    | 'targetHoliday'
    | 'deviationDecision'
    | 'deviationNumber'
    | 'deviationExplanation'
    | 'unscheduled'
  >;
  today: string;
}) {
  const { t } = useTranslation();
  return (
    <Space size={[4, 2]} wrap>
      {visit.unscheduled && (
        <Tag variant="filled" data-testid="flag-unscheduled">
          {t('visitsUi.flags.unscheduled')}
        </Tag>
      )}
      {isOverdue(visit, today) && (
        <Tag color="red" data-testid="flag-overdue">
          {t('visitsUi.flags.overdue')}
        </Tag>
      )}
      {visit.outOfWindow && (
        <Tag color="orange" variant="filled" data-testid="flag-out-of-window">
          {t('visitsUi.flags.outOfWindow')}
        </Tag>
      )}
      {/* a recorded visit no longer waits for its target: the holiday matters only while planned */}
      {visit.status === 'planned' && <HolidayTag holiday={visit.targetHoliday} />}
      {visit.deviationDecision === 'proposed' && (
        <Tag color="red" variant="filled" data-testid="flag-deviation-proposed">
          {t('visitsUi.flags.proposed')}
        </Tag>
      )}
      {visit.deviationDecision === 'confirmed' && (
        <Tag color="volcano" data-testid="flag-deviation">
          {t('visitsUi.flags.deviation', { number: visit.deviationNumber ?? '' })}
        </Tag>
      )}
      {visit.deviationDecision === 'explained' && (
        <Tooltip title={visit.deviationExplanation}>
          <Tag variant="filled" data-testid="flag-explained">
            {t('visitsUi.flags.explained')}
          </Tag>
        </Tooltip>
      )}
    </Space>
  );
}
