import { ClockCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Table, Typography, type TableProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SubjectDetail, SubjectVisitsView, VisitDefinition, VisitView } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { formatDate } from '../../i18n/format';
import { useSubjectRoles } from '../subjects/roles';
import { AddUnscheduledModal } from './AddUnscheduledModal';
import { visitError } from './forms';
import { todayText, windowText } from './labels';
import { visitsChanged } from './overdue';
import { useVisitDialogs } from './useVisitDialogs';
import { HolidayTag, VisitFlags, VisitName, VisitStatusTag } from './VisitTags';

/** How many visits a line of a schedule plans (a cycles line: cycles × days; an "every" line: its count). */
function plannedCount(line: VisitDefinition | undefined): number {
  if (!line) return 1;
  if (line.kind === 'cycles') return (line.cycleCount ?? 1) * Math.max(1, line.cycleDays.length);
  if (line.kind === 'every') return line.count ?? 1;
  return 1;
}

/** A subject's visits (the subject page's tab): plan, what was recorded, what waits for a date, the dialogs. */
export function SubjectVisitsPanel({ subject, refresh }: { subject: SubjectDetail; refresh: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { canEdit } = useSubjectRoles();
  const [changes, setChanges] = useState(0);
  const [adding, setAdding] = useState(false);
  const q = useApiQuery('visits.forSubject', { subjectId: subject.id }, refresh + changes);
  // the lines of the schedule tell how many visits a line still waiting will plan
  const schedules = useApiQuery('schedules.list', { studyId: subject.studyId });
  const reload = () => setChanges((n) => n + 1);
  const { record, decide, dialogs } = useVisitDialogs(reload);

  const label = subject.subjectNumber ?? subject.screeningNumber;
  const today = todayText();
  const view = q.data?.subjectId === subject.id ? q.data : undefined;
  const version = schedules.data?.find((s) => s.id === view?.versionId);

  const columns: TableProps<VisitView>['columns'] = [
    {
      key: 'visit',
      title: t('visitsUi.fields.visit'),
      width: 190,
      render: (_: unknown, v) => <VisitName code={v.code} name={v.name} cycle={v.cycle} cycleDay={v.cycleDay} />,
    },
    {
      key: 'target',
      title: t('visitsUi.fields.targetDate'),
      width: 130,
      render: (_: unknown, v) =>
        v.targetDate && (
          <Space size={4} wrap>
            <span style={{ whiteSpace: 'nowrap' }}>{formatDate(v.targetDate)}</span>
            {v.status === 'planned' && <HolidayTag holiday={v.targetHoliday} />}
          </Space>
        ),
    },
    {
      key: 'window',
      title: t('visitsUi.fields.window'),
      width: 200,
      render: (_: unknown, v) => <span style={{ whiteSpace: 'nowrap' }}>{windowText(v.windowStart, v.windowEnd)}</span>,
    },
    {
      key: 'actualDate',
      title: t('visitsUi.fields.actualDate'),
      dataIndex: 'actualDate',
      width: 100,
      render: (d: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{formatDate(d)}</span>,
    },
    {
      key: 'status',
      title: t('visitsUi.fields.status'),
      dataIndex: 'status',
      width: 80,
      render: (s: VisitView['status']) => <VisitStatusTag status={s} />,
    },
    {
      key: 'flags',
      title: t('visitsUi.fields.flags'),
      width: 170,
      // the holiday is beside the target already
      render: (_: unknown, v) => <VisitFlags visit={{ ...v, targetHoliday: null }} today={today} />,
    },
    {
      key: 'reason',
      title: t('visitsUi.fields.notes'),
      width: 180,
      render: (_: unknown, v) => (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {[v.systemCancelled && t(`visitsUi.systemCancelled.${v.systemCancelled}`), v.reason, v.notes]
            .filter(Boolean)
            .join(' · ')}
        </Typography.Text>
      ),
    },
    ...(canEdit
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 120,
            render: (_: unknown, v: VisitView) => (
              <Space size={0} wrap>
                {/* what the system cancelled (the subject ended, the schedule changed) is not recorded */}
                {!v.systemCancelled && (
                  <Button
                    size="small"
                    type="link"
                    onClick={() => record({ ...v, subjectLabel: label })}
                    data-testid={`record-${v.code}`}
                  >
                    {v.status === 'planned' ? t('visitsUi.subject.record') : t('visitsUi.subject.correct')}
                  </Button>
                )}
                {v.deviationDecision === 'proposed' && (
                  <Button
                    size="small"
                    type="link"
                    danger
                    onClick={() => decide(v, label)}
                    data-testid={`decide-${v.code}`}
                  >
                    {t('visitsUi.subject.decide')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <div data-testid="subject-visits">
      <div className="td-toolbar">
        <Typography.Text type="secondary" style={{ flex: 1 }}>
          {view?.version ? t('visitsUi.subject.version', { version: view.version }) : t('visitsUi.subject.noPlan')}
        </Typography.Text>
        {canEdit && (
          <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} disabled={!view}>
            {t('visitsUi.subject.addUnscheduled')}
          </Button>
        )}
      </div>
      {q.error && <Alert type="error" showIcon title={visitError(q.error)} style={{ marginBottom: 8 }} />}
      {view && <Waiting view={view} lines={version?.visits} treated={subject.treatmentStartDate !== null} />}
      <Table<VisitView>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={view?.visits}
        loading={q.loading && !view}
        pagination={false}
        locale={{ emptyText: view?.version ? t('visitsUi.subject.empty') : t('visitsUi.subject.noPlan') }}
        data-testid="visits-table"
      />
      {dialogs}
      {view && (
        <AddUnscheduledModal
          open={adding}
          subjectId={subject.id}
          subjectLabel={label}
          onDemand={view.onDemand}
          onClose={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            void message.success(t('visitsUi.subject.unscheduledSaved'));
            visitsChanged();
            reload();
          }}
        />
      )}
    </div>
  );
}

/** "首次给药日期记录后生成 18 项访视（C）": the lines of the plan still waiting for their anchor date. */
function Waiting({
  view,
  lines,
  treated,
}: {
  view: SubjectVisitsView;
  lines: VisitDefinition[] | undefined;
  treated: boolean;
}) {
  const { t } = useTranslation();
  const count = (codes: string[]) =>
    codes.reduce((n, code) => n + plannedCount(lines?.find((l) => l.code === code)), 0);
  const anchor = view.waiting.filter((w) => w.why === 'anchor_unknown').map((w) => w.code);
  const otherArm = view.waiting.filter((w) => w.why === 'other_arm').map((w) => w.code);
  if (anchor.length === 0 && otherArm.length === 0) return null;
  const sep = t('format.listSeparator');
  return (
    <div style={{ marginBottom: 8 }} data-testid="visits-waiting">
      {anchor.length > 0 && (
        <Typography.Text type="secondary" style={{ display: 'block' }}>
          <ClockCircleOutlined style={{ marginInlineEnd: 6 }} />
          {t(treated ? 'visitsUi.subject.waitingAnchor' : 'visitsUi.subject.waitingFirstDose', {
            count: count(anchor),
            codes: anchor.join(sep),
          })}
        </Typography.Text>
      )}
      {otherArm.length > 0 && (
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
          {t('visitsUi.subject.otherArm', { count: otherArm.length, codes: otherArm.join(sep) })}
        </Typography.Text>
      )}
    </div>
  );
}
