import { Alert, Badge, Calendar, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CalendarEntry, HolidayView, VisitStatus } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { DATE, formatDate } from '../../i18n/format';
import { visitError } from './forms';
import { subjectPath } from './labels';
import { VisitStatusTag } from './VisitTags';

/** dot colours of the calendar, as the status tags; an overdue visit is red whatever else */
const dotColors: Record<VisitStatus, string> = {
  planned: '#1677ff',
  done: '#389e0d',
  missed: '#cf1322',
  not_done: '#d46b08',
  cancelled: '#8c8c8c',
};
const OVERDUE = '#cf1322';
/** a day off: weekend or official holiday (not a make-up working day) */
const DAY_OFF_BACKGROUND = '#fff1f0';
/** the clicked day, lighter than antd's selection so that its visits stay readable */
const PICKED_BACKGROUND = '#e6f0fa';
const MAX_IN_CELL = 3;

const entryColor = (e: CalendarEntry) => (e.overdue ? OVERDUE : dotColors[e.status]);

/** The visits of a month on their days (actual date once recorded, else target); weekends and holidays shaded. */
export function VisitCalendar({ studyId, centerId }: { studyId: number | undefined; centerId: number | undefined }) {
  const { t } = useTranslation();
  const [value, setValue] = useState<Dayjs>(() => dayjs());
  const [picked, setPicked] = useState<string | null>(null);
  const month = value.format('YYYY-MM');
  const q = useApiQuery('visits.calendar', { month, studyId, centerId });
  const data = q.data?.month === month ? q.data : undefined;

  const byDate = new Map<string, CalendarEntry[]>();
  for (const e of data?.entries ?? []) byDate.set(e.date, [...(byDate.get(e.date) ?? []), e]);
  const holidays = new Map<string, HolidayView>((data?.holidays ?? []).map((h) => [h.date, h]));
  const today = dayjs().format(DATE);

  const dayCell = (date: Dayjs) => {
    const key = date.format(DATE);
    const holiday = holidays.get(key);
    const weekend = date.day() === 0 || date.day() === 6;
    const dayOff = holiday ? holiday.kind === 'holiday' : weekend;
    const entries = byDate.get(key) ?? [];
    const selected = key === value.format(DATE);
    const classes = ['ant-picker-cell-inner', 'ant-picker-calendar-date'];
    if (key === today) classes.push('ant-picker-calendar-date-today');
    return (
      <div
        className={classes.join(' ')}
        style={selected ? { background: PICKED_BACKGROUND } : dayOff ? { background: DAY_OFF_BACKGROUND } : undefined}
        data-testid={`day-${key}`}
        data-day-off={dayOff ? 'true' : undefined}
      >
        <div className="ant-picker-calendar-date-value" style={{ display: 'flex', justifyContent: 'space-between' }}>
          <span
            style={{
              fontSize: 11,
              color: holiday?.kind === 'holiday' ? OVERDUE : 'rgba(0,0,0,0.45)',
              overflow: 'hidden',
              textOverflow: 'ellipsis',
              whiteSpace: 'nowrap',
            }}
          >
            {holiday ? (holiday.kind === 'workday' ? t('visitsUi.calendar.workday') : holiday.name) : ''}
          </span>
          <span style={dayOff ? { color: OVERDUE } : undefined}>{String(date.date()).padStart(2, '0')}</span>
        </div>
        <div className="ant-picker-calendar-date-content" style={{ textAlign: 'start' }}>
          {entries.slice(0, MAX_IN_CELL).map((e) => (
            <div
              key={e.visitId}
              style={{ fontSize: 12, lineHeight: '18px', whiteSpace: 'nowrap', overflow: 'hidden' }}
              data-testid="calendar-entry"
              data-overdue={e.overdue ? 'true' : undefined}
            >
              <Badge
                color={entryColor(e)}
                text={
                  <span style={{ fontSize: 12, color: e.overdue ? OVERDUE : undefined }}>
                    {e.subjectLabel} {e.code}
                  </span>
                }
              />
            </div>
          ))}
          {entries.length > MAX_IN_CELL && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('visitsUi.calendar.more', { count: entries.length - MAX_IN_CELL })}
            </Typography.Text>
          )}
        </div>
      </div>
    );
  };

  const dayEntries = picked ? (byDate.get(picked) ?? []) : [];
  const pickedHoliday = picked ? holidays.get(picked) : undefined;
  return (
    <div data-testid="visit-calendar">
      {q.error && <Alert type="error" showIcon title={visitError(q.error)} style={{ marginBottom: 8 }} />}
      <Space size={16} wrap style={{ fontSize: 12, marginBottom: 4 }}>
        <span>
          <span
            style={{
              display: 'inline-block',
              width: 12,
              height: 12,
              background: DAY_OFF_BACKGROUND,
              border: '1px solid #ffccc7',
              marginInlineEnd: 4,
              verticalAlign: -2,
            }}
          />
          {t('visitsUi.calendar.legendWeekend')}
        </span>
        {(['planned', 'done', 'missed', 'not_done'] as const).map((s) => (
          <Badge
            key={s}
            color={dotColors[s]}
            text={<span style={{ fontSize: 12 }}>{t(`visitsUi.status.${s}`)}</span>}
          />
        ))}
        <Badge color={OVERDUE} text={<span style={{ fontSize: 12 }}>{t('visitsUi.calendar.legendOverdue')}</span>} />
      </Space>
      <Calendar
        value={value}
        onPanelChange={(d) => setValue(d)}
        onSelect={(d, info) => {
          setValue(d);
          if (info.source === 'date') setPicked(d.format(DATE));
        }}
        fullCellRender={(date, info) => (info.type === 'date' ? dayCell(date) : info.originNode)}
      />
      <div style={{ marginTop: 12 }} data-testid="calendar-day">
        {picked ? (
          <>
            <div className="td-section-head" style={{ justifyContent: 'flex-start' }}>
              <Typography.Text strong>{t('visitsUi.calendar.dayTitle', { date: formatDate(picked) })}</Typography.Text>
              {pickedHoliday && (
                <Tag color={pickedHoliday.kind === 'holiday' ? 'magenta' : 'default'}>
                  {pickedHoliday.kind === 'workday' ? t('visitsUi.calendar.workday') : pickedHoliday.name}
                </Tag>
              )}
              <Typography.Text type="secondary">
                {t('visitsUi.calendar.count', { count: dayEntries.length })}
              </Typography.Text>
            </div>
            <Table<CalendarEntry>
              size="small"
              rowKey="visitId"
              dataSource={dayEntries}
              pagination={false}
              locale={{ emptyText: t('visitsUi.calendar.dayEmpty') }}
              columns={[
                {
                  key: 'protocol',
                  title: t('visitsUi.fields.protocolNumber'),
                  dataIndex: 'protocolNumber',
                  width: 160,
                },
                {
                  key: 'subject',
                  title: t('visitsUi.fields.subject'),
                  width: 120,
                  render: (_: unknown, e) => (
                    <Link to={subjectPath(e.studyId, e.subjectId)} className="td-mono">
                      {e.subjectLabel}
                    </Link>
                  ),
                },
                {
                  key: 'code',
                  title: t('visitsUi.fields.code'),
                  dataIndex: 'code',
                  width: 120,
                  render: (code: string) => <span className="td-mono">{code}</span>,
                },
                {
                  key: 'status',
                  title: t('visitsUi.fields.status'),
                  width: 100,
                  render: (_: unknown, e) => <VisitStatusTag status={e.status} />,
                },
                {
                  key: 'flags',
                  title: t('visitsUi.fields.flags'),
                  render: (_: unknown, e) => (
                    <Space size={4}>
                      {e.overdue && <Tag color="red">{t('visitsUi.flags.overdue')}</Tag>}
                      {e.outOfWindow && (
                        <Tag color="orange" variant="filled">
                          {t('visitsUi.flags.outOfWindow')}
                        </Tag>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
          </>
        ) : (
          <Typography.Text type="secondary">{t('visitsUi.calendar.pickDay')}</Typography.Text>
        )}
      </div>
    </div>
  );
}
