import { EditOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Select, Skeleton, Table, Tabs, Tag, Typography, type TableProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { StudyListItem, Worklist, WorklistRow } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { useSession } from '../../app/session';
import { formatDate } from '../../i18n/format';
import { CenterFilter } from '../subjects/CenterFilter';
import { useSubjectRoles } from '../subjects/roles';
import { useUrlState } from '../subjects/useUrlState';
import { VisitCalendar } from './VisitCalendar';
import { visitError } from './forms';
import { subjectPath, windowText } from './labels';
import { PrintList } from './PrintList';
import { useVisitDialogs } from './useVisitDialogs';
import { HolidayTag, VisitName } from './VisitTags';

const TABS = ['list', 'calendar', 'print'] as const;
type Section = 'dueToday' | 'thisWeek' | 'windowOpen' | 'overdue';
const SECTIONS: readonly Section[] = ['dueToday', 'thisWeek', 'windowOpen', 'overdue'];

export interface WorklistFilters {
  studyId: number | undefined;
  centerId: number | undefined;
  coordinatorId: number | undefined;
}

/** /visits — the coordinator's worklist: what is due today, this week, in its window, overdue; a month calendar; print. */
export function VisitsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { params, update } = useUrlState();
  const studyId = Number(params.get('study')) || undefined;
  const centerId = (studyId && Number(params.get('center'))) || undefined;
  const coordinatorId = Number(params.get('coordinator')) || undefined;
  const tab = TABS.find((k) => k === params.get('tab')) ?? 'list';
  const filters: WorklistFilters = { studyId, centerId, coordinatorId };

  const studies = useApiQuery('studies.list', { sort: 'protocolNumber', order: 'asc' });
  const worklist = useApiQuery('visits.worklist', filters);
  const { record, dialogs } = useVisitDialogs(worklist.reload);
  const list = worklist.data;
  const mayFilterCoordinators = user?.role === 'admin' || user?.role === 'investigator';

  return (
    <>
      <div className="td-page-header td-no-print">
        <div>
          <Typography.Title level={4}>{t('visitsUi.worklist.title')}</Typography.Title>
          {list && (
            <Typography.Text type="secondary" data-testid="worklist-today">
              {t('visitsUi.worklist.intro', { today: formatDate(list.today), weekEnd: formatDate(list.weekEnd) })}
            </Typography.Text>
          )}
        </div>
      </div>
      <div className="td-toolbar td-no-print">
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('visitsUi.worklist.allStudies')}
          aria-label={t('visitsUi.worklist.study')}
          style={{ width: 300 }}
          value={studyId}
          onChange={(v: number | undefined) => update({ study: v, center: undefined })}
          options={studies.data?.map((s) => ({ value: s.id, label: `${s.protocolNumber} · ${s.shortTitle}` }))}
          popupMatchSelectWidth={false}
        />
        {studyId ? (
          <StudyCenterFilter studyId={studyId} value={centerId} onChange={(v) => update({ center: v })} />
        ) : (
          <Select
            disabled
            placeholder={t('visitsUi.worklist.chooseStudyFirst')}
            aria-label={t('visitsUi.worklist.center')}
            style={{ width: 220 }}
          />
        )}
        {mayFilterCoordinators && (
          <CoordinatorFilter value={coordinatorId} onChange={(v) => update({ coordinator: v })} />
        )}
        <Button icon={<ReloadOutlined />} onClick={worklist.reload}>
          {t('visitsUi.worklist.refresh')}
        </Button>
      </div>
      {worklist.error && (
        <Alert type="error" showIcon title={visitError(worklist.error)} style={{ marginBottom: 12 }} />
      )}
      <div className="td-panel">
        <Tabs
          destroyOnHidden
          activeKey={tab}
          onChange={(k) => update({ tab: k === 'list' ? undefined : k })}
          items={[
            {
              key: 'list',
              label: t('visitsUi.worklist.tabs.list'),
              children: list ? (
                <WorklistSections list={list} studies={studies.data} onRecord={record} />
              ) : (
                <Skeleton active paragraph={{ rows: 8 }} />
              ),
            },
            {
              key: 'calendar',
              label: t('visitsUi.worklist.tabs.calendar'),
              children: <VisitCalendar studyId={studyId} centerId={centerId} />,
            },
            {
              key: 'print',
              label: t('visitsUi.worklist.tabs.print'),
              children: list ? (
                <PrintList list={list} studies={studies.data} filters={filters} />
              ) : (
                <Skeleton active paragraph={{ rows: 4 }} />
              ),
            },
          ]}
        />
      </div>
      {dialogs}
    </>
  );
}

/** The centers of the chosen study (CenterFilter takes the study's details). */
function StudyCenterFilter({
  studyId,
  value,
  onChange,
}: {
  studyId: number;
  value: number | undefined;
  onChange: (centerId: number | undefined) => void;
}) {
  const { t } = useTranslation();
  const study = useApiQuery('studies.get', { id: studyId });
  if (study.data?.id !== studyId) {
    return <Select loading disabled aria-label={t('visitsUi.worklist.center')} style={{ width: 220 }} />;
  }
  return <CenterFilter study={study.data} value={value} onChange={onChange} width={220} />;
}

/** The studies of one coordinator; shown only to those who may read the users (their list names the coordinators). */
function CoordinatorFilter({
  value,
  onChange,
}: {
  value: number | undefined;
  onChange: (coordinatorId: number | undefined) => void;
}) {
  const { t } = useTranslation();
  const users = useApiQuery('users.list', {});
  if (users.error || !users.data) return null;
  const coordinators = users.data.filter((u) => u.role === 'coordinator' && u.active);
  return (
    <Select
      allowClear
      placeholder={t('visitsUi.worklist.allCoordinators')}
      aria-label={t('visitsUi.worklist.coordinator')}
      style={{ width: 200 }}
      value={value}
      onChange={onChange}
      options={coordinators.map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }))}
      popupMatchSelectWidth={false}
      data-testid="coordinator-filter"
    />
  );
}

function WorklistSections({
  list,
  studies,
  onRecord,
}: {
  list: Worklist;
  studies: StudyListItem[] | undefined;
  onRecord: ReturnType<typeof useVisitDialogs>['record'];
}) {
  const { t } = useTranslation();
  const { canEdit } = useSubjectRoles();
  const protocol = new Map(studies?.map((s) => [s.id, s.protocolNumber]));

  const columns = (section: Section): TableProps<WorklistRow>['columns'] => [
    { key: 'protocol', title: t('visitsUi.fields.protocolNumber'), dataIndex: 'protocolNumber', width: 150 },
    { key: 'center', title: t('visitsUi.fields.center'), dataIndex: 'centerCode', width: 60 },
    {
      key: 'subject',
      title: t('visitsUi.fields.subject'),
      width: 100,
      render: (_: unknown, r) => (
        <Link to={subjectPath(r.studyId, r.subjectId)} className="td-mono">
          {r.subjectLabel}
        </Link>
      ),
    },
    { key: 'initials', title: t('visitsUi.fields.initials'), dataIndex: 'initials', width: 80 },
    {
      key: 'visit',
      title: t('visitsUi.fields.visit'),
      width: 190,
      render: (_: unknown, r) => <VisitName code={r.code} name={r.name} cycle={r.cycle} cycleDay={r.cycleDay} />,
    },
    {
      key: 'target',
      title: t('visitsUi.fields.targetDate'),
      width: 160,
      render: (_: unknown, r) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {formatDate(r.targetDate)} <HolidayTag holiday={r.targetHoliday} />
        </span>
      ),
    },
    {
      key: 'window',
      title: t('visitsUi.fields.window'),
      width: 200,
      render: (_: unknown, r) => <span style={{ whiteSpace: 'nowrap' }}>{windowText(r.windowStart, r.windowEnd)}</span>,
    },
    ...(section === 'overdue'
      ? [
          {
            key: 'daysOverdue',
            title: t('visitsUi.fields.daysOverdue'),
            width: 100,
            render: (_: unknown, r: WorklistRow) => (
              <Tag color="red" data-testid="days-overdue">
                {t('visitsUi.daysOverdue', { count: r.daysOverdue })}
              </Tag>
            ),
          },
        ]
      : []),
    ...(canEdit
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 80,
            render: (_: unknown, r: WorklistRow) => (
              <Button
                size="small"
                type={section === 'overdue' ? 'primary' : 'default'}
                danger={section === 'overdue'}
                icon={<EditOutlined />}
                onClick={() =>
                  onRecord({
                    id: r.visitId,
                    code: r.code,
                    name: r.name,
                    cycle: r.cycle,
                    cycleDay: r.cycleDay,
                    status: 'planned',
                    actualDate: null,
                    reason: null,
                    notes: null,
                    targetDate: r.targetDate,
                    windowStart: r.windowStart,
                    windowEnd: r.windowEnd,
                    targetHoliday: r.targetHoliday,
                    unscheduled: false,
                    subjectLabel: r.subjectLabel,
                  })
                }
              >
                {t('visitsUi.worklist.record')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  const pending = list.pendingDeviations;
  return (
    <div data-testid="worklist">
      {SECTIONS.map((section) => (
        <WorklistSection
          key={section}
          section={section}
          count={list[section].length}
          hint={t(`visitsUi.worklist.hints.${section}`, { weekEnd: formatDate(list.weekEnd) })}
        >
          {list[section].length > 0 && (
            <Table<WorklistRow>
              size="small"
              rowKey="visitId"
              columns={columns(section)}
              dataSource={list[section]}
              pagination={false}
            />
          )}
        </WorklistSection>
      ))}
      <WorklistSection
        section="pendingDeviations"
        count={pending.length}
        hint={t('visitsUi.worklist.hints.pendingDeviations')}
      >
        {pending.length > 0 && (
          <Table
            size="small"
            rowKey="visitId"
            dataSource={pending}
            pagination={false}
            columns={[
              {
                key: 'protocol',
                title: t('visitsUi.fields.protocolNumber'),
                width: 150,
                render: (_: unknown, r) => protocol.get(r.studyId) ?? '',
              },
              {
                key: 'subject',
                title: t('visitsUi.fields.subject'),
                width: 100,
                render: (_: unknown, r) => (
                  <Link to={subjectPath(r.studyId, r.subjectId)} className="td-mono">
                    {r.subjectLabel}
                  </Link>
                ),
              },
              {
                key: 'code',
                title: t('visitsUi.fields.code'),
                dataIndex: 'code',
                render: (code: string) => <span className="td-mono">{code}</span>,
              },
              {
                key: 'go',
                title: t('common.actions'),
                width: 100,
                render: (_: unknown, r) => (
                  <Link to={subjectPath(r.studyId, r.subjectId)}>{t('visitsUi.worklist.decide')}</Link>
                ),
              },
            ]}
          />
        )}
      </WorklistSection>
    </div>
  );
}

function WorklistSection({
  section,
  count,
  hint,
  children,
}: {
  section: Section | 'pendingDeviations';
  count: number;
  hint: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const alarm = count > 0 && (section === 'overdue' || section === 'pendingDeviations');
  return (
    <section
      style={{ marginBottom: 16 }}
      data-testid={`worklist-${section}`}
      aria-label={t(`visitsUi.worklist.sections.${section}`)}
    >
      <div className="td-section-head" style={{ justifyContent: 'flex-start', marginTop: 4 }}>
        <Typography.Text strong style={alarm ? { color: '#cf1322' } : undefined}>
          {t(`visitsUi.worklist.sections.${section}`)}
        </Typography.Text>
        <Tag color={alarm ? 'red' : count > 0 ? 'blue' : 'default'} data-testid={`worklist-${section}-count`}>
          {count}
        </Tag>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {hint}
        </Typography.Text>
      </div>
      {count === 0 ? (
        <Typography.Text type="secondary" style={{ fontSize: 13, paddingInlineStart: 2 }}>
          {t(`visitsUi.worklist.empty.${section}`)}
        </Typography.Text>
      ) : (
        children
      )}
    </section>
  );
}
