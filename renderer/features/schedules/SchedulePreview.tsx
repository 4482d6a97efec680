import { Alert, Form, Select, Table, Tag, Typography, type TableProps } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, CodedItem, PlannedVisit } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { DateField } from '../../components/DateField';
import { translateMessage } from '../../components/formErrors';
import i18n from '../../i18n';
import { DATE, formatDate } from '../../i18n/format';
import { useDebounced } from '../subjects/useUrlState';
import { previewLines, type LineValues } from './definitions';
import { dayOff, weekday } from './labels';
import { useHolidays } from './useHolidays';

interface Anchors {
  consent: string | null;
  enrollment: string | null;
  firstDose: string | null;
  arm: string | null;
}

/** Sample dates a coordinator starts from: consent a week ago, enrollment today, first dose in a week. */
const sampleAnchors = (): Anchors => ({
  consent: dayjs().subtract(7, 'day').format(DATE),
  enrollment: dayjs().format(DATE),
  firstDose: dayjs().add(7, 'day').format(DATE),
  arm: null,
});

/** A server error on a line of the definitions, in words: "第 3 行（C）周期长度：请填写". */
export function lineErrorText(
  fe: { field: string; messageKey: string; params?: Record<string, string | number> },
  lines: readonly (LineValues | undefined)[] | undefined,
): string {
  const t = i18n.t.bind(i18n);
  const m = /^(?:fields\.)?visits\.(\d+)(?:\.(\w+))?/.exec(fe.field);
  const text = translateMessage(fe.messageKey, fe.params, fe.field);
  if (!m) return text;
  const index = Number(m[1]);
  const code = lines?.[index]?.code?.trim();
  const where = t('schedulesUi.editor.lineRef', { n: index + 1, code: code || '—' });
  const field = m[2] ? t(`schedulesUi.line.${m[2]}`, { defaultValue: m[2] }) : '';
  return field ? `${where} ${field}：${text}` : `${where}：${text}`;
}

/**
 * The calendar a subject would get from the lines being edited, for sample anchor dates the user may change: computed
 * by the server's own rules (schedules.preview), so what is shown is what subjects get. Targets on a weekend or an
 * official holiday are marked (they are never moved: the window is there for that).
 */
export function SchedulePreview({
  studyId,
  lines,
  arms,
}: {
  studyId: number;
  lines: (LineValues | undefined)[] | undefined;
  arms: readonly CodedItem[];
}) {
  const { t } = useTranslation();
  const [anchors, setAnchors] = useState<Anchors>(sampleAnchors);
  // typing in the editor recomputes once the typing pauses
  const definitions = useDebounced(JSON.stringify(previewLines(lines)), 350);
  const q = useApiQuery('schedules.preview', {
    studyId,
    visits: JSON.parse(definitions) as ReturnType<typeof previewLines>,
    anchors: { consent: anchors.consent, enrollment: anchors.enrollment, firstDose: anchors.firstDose },
    arm: anchors.arm,
  });
  const visits = q.data?.visits ?? [];
  const holidays = useHolidays(visits.map((v) => Number(v.targetDate.slice(0, 4))));
  const offDays = visits.filter((v) => dayOff(v.targetDate, holidays)).length;

  const columns: TableProps<PlannedVisit>['columns'] = [
    // the plan's order, numbered from 1 (seq itself is a sort key, not a count)
    { key: 'n', title: '#', width: 48, align: 'right', render: (_: unknown, _r, index) => index + 1 },
    {
      key: 'code',
      title: t('schedulesUi.preview.code'),
      dataIndex: 'code',
      width: 90,
      render: (v: string) => <span className="td-mono">{v}</span>,
    },
    { key: 'name', title: t('schedulesUi.preview.name'), dataIndex: 'name', ellipsis: true },
    {
      key: 'target',
      title: t('schedulesUi.preview.target'),
      dataIndex: 'targetDate',
      width: 190,
      render: (v: string) => {
        const off = dayOff(v, holidays);
        return (
          <span>
            <span className="td-mono">{formatDate(v)}</span>
            <Typography.Text type="secondary" style={{ marginInlineStart: 6 }}>
              {weekday(v)}
            </Typography.Text>
            {off && (
              <Tag color={off.kind === 'holiday' ? 'red' : 'orange'} variant="filled" style={{ marginInlineStart: 6 }}>
                {off.kind === 'holiday' ? off.label : t('schedulesUi.preview.weekend')}
              </Tag>
            )}
            {holidays.get(v)?.kind === 'workday' && (
              <Tag variant="filled" style={{ marginInlineStart: 6 }}>
                {t('schedulesUi.holidayKind.workday')}
              </Tag>
            )}
          </span>
        );
      },
    },
    {
      key: 'window',
      title: t('schedulesUi.preview.window'),
      width: 250,
      render: (_: unknown, r) =>
        r.windowStart === r.windowEnd ? (
          <span className="td-mono">{formatDate(r.windowStart)}</span>
        ) : (
          <span className="td-mono">
            {formatDate(r.windowStart)} ~ {formatDate(r.windowEnd)}
          </span>
        ),
    },
  ];

  return (
    <div data-testid="schedule-preview">
      <Form<Anchors>
        name="preview-anchors"
        layout="inline"
        className="td-preview-anchors"
        initialValues={anchors}
        onValuesChange={(_, all) => setAnchors(all)}
      >
        <Form.Item name="consent" label={t('schedulesUi.anchor.consent')}>
          <DateField />
        </Form.Item>
        <Form.Item name="enrollment" label={t('schedulesUi.anchor.enrollment')}>
          <DateField />
        </Form.Item>
        <Form.Item name="firstDose" label={t('schedulesUi.anchor.first_dose')}>
          <DateField />
        </Form.Item>
        {arms.length > 0 && (
          <Form.Item name="arm" label={t('schedulesUi.preview.arm')}>
            <Select
              allowClear
              style={{ width: 150 }}
              placeholder={t('schedulesUi.preview.noArm')}
              options={arms.map((a) => ({ value: a.code, label: `${a.code} · ${a.label}` }))}
              popupMatchSelectWidth={false}
            />
          </Form.Item>
        )}
      </Form>
      {q.error && <PreviewError error={q.error} lines={lines} />}
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, margin: '4px 0 8px' }}>
        {t('schedulesUi.preview.summary', { count: visits.length, offDays })}
      </Typography.Text>
      <Table<PlannedVisit>
        size="small"
        bordered
        rowKey={(r) => `${r.seq}-${r.code}`}
        columns={columns}
        dataSource={visits}
        loading={q.loading && !q.data}
        pagination={false}
        rowClassName={(r) => (dayOff(r.targetDate, holidays) ? 'td-day-off' : '')}
        className={q.error ? 'td-stale' : undefined}
        locale={{ emptyText: t('schedulesUi.preview.empty') }}
        data-testid="preview-table"
      />
      {(q.data?.waiting.length ?? 0) > 0 && (
        <div style={{ marginTop: 8 }} data-testid="preview-waiting">
          <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineEnd: 6 }}>
            {t('schedulesUi.preview.waiting')}
          </Typography.Text>
          {q.data?.waiting.map((w) => (
            <Tag key={w.code} variant="outlined">
              <span className="td-mono">{w.code}</span> · {t(`schedulesUi.preview.why.${w.why}`)}
            </Tag>
          ))}
        </div>
      )}
    </div>
  );
}

function PreviewError({ error, lines }: { error: ApiError; lines: (LineValues | undefined)[] | undefined }) {
  const { t } = useTranslation();
  const texts = error.fields?.length
    ? error.fields.map((fe) => lineErrorText(fe, lines))
    : [translateMessage(error.messageKey, error.params, error.field)];
  return (
    <Alert
      type="warning"
      showIcon
      style={{ margin: '8px 0' }}
      title={t('schedulesUi.preview.cannot')}
      description={
        <ul className="td-plain-list">
          {[...new Set(texts)].slice(0, 6).map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      }
      data-testid="preview-error"
    />
  );
}
