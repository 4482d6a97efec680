import {
  EditOutlined,
  EyeInvisibleOutlined,
  EyeOutlined,
  FileDoneOutlined,
  HomeOutlined,
  SolutionOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import {
  App,
  Breadcrumb,
  Button,
  Col,
  Descriptions,
  Row,
  Skeleton,
  Space,
  Table,
  Tabs,
  Tag,
  Timeline,
  Tooltip,
  Typography,
  type DescriptionsProps,
  type TableProps,
} from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import {
  activeSubjectStatuses,
  changeSubjectStatusInput,
  type ConsentView,
  type Criterion,
  type StudyDetail,
  type SubjectDetail,
  type SubjectSetupView,
  type TimelineEntry,
} from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { ErrorState } from '../../components/ErrorState';
import { SignaturePanel } from '../../components/SignaturePanel';
import { SubjectStatusTag } from '../../components/StatusTag';
import { formatDate, formatDateTime } from '../../i18n/format';
import { ConsentModal } from './ConsentModal';
import { EditSubjectDrawer } from './EditSubjectDrawer';
import { EnrollModal } from './EnrollModal';
import { codedLabel, sexAge } from './labels';
import { useSubjectRoles } from './roles';
import { ScreeningModal } from './ScreeningModal';
import { StatusChangeModal, type StatusMove } from './StatusChangeModal';
import { SubjectFlags } from './SubjectsPanel';
import { SubjectHistory } from './SubjectHistory';
import { SubjectVisitsPanel } from '../visits/SubjectVisitsPanel';
import { SubjectAesPanel } from '../aes/SubjectAesPanel';

/** The moves subjects.changeStatus takes; which of them this subject may make now, the server says (nextStatuses). */
const statusMoves: readonly string[] = changeSubjectStatusInput.shape.to.options;
const isMove = (s: string): s is StatusMove => statusMoves.includes(s);
const isActive = (s: string) => (activeSubjectStatuses as readonly string[]).includes(s);

/** /studies/:studyId/subjects/:subjectId — one subject: record, actions by status, signature, timeline, history. */
export function SubjectPage() {
  const { t } = useTranslation();
  const params = useParams();
  const studyId = Number(params.studyId);
  const subjectId = Number(params.subjectId);
  const [refresh, setRefresh] = useState(0);
  const study = useApiQuery('studies.get', { id: studyId });
  const setup = useApiQuery('subjects.setup', { studyId });
  const subject = useApiQuery('subjects.get', { id: subjectId }, refresh);

  const error = subject.error ?? study.error ?? setup.error;
  const ready = study.data?.id === studyId && subject.data?.id === subjectId && setup.data;
  if (!ready || !study.data || !subject.data || !setup.data) {
    if (error) {
      return (
        <div className="td-panel">
          <ErrorState
            error={error}
            title={error.code === 'not_found' ? t('subjectsUi.page.notFound') : undefined}
            onRetry={error.code === 'not_found' ? undefined : subject.reload}
            extra={
              <Link key="back" to={`/studies/${studyId}?tab=subjects`}>
                {t('subjectsUi.page.backToList')}
              </Link>
            }
          />
        </div>
      );
    }
    return (
      <div className="td-panel">
        <Skeleton active paragraph={{ rows: 10 }} />
      </div>
    );
  }
  return (
    <SubjectView
      study={study.data}
      setup={setup.data}
      subject={subject.data}
      refresh={refresh}
      onChanged={() => setRefresh((r) => r + 1)}
    />
  );
}

type Dialog = 'screen' | 'enroll' | 'consent' | 'edit' | { move: StatusMove } | null;

function SubjectView({
  study,
  setup,
  subject,
  refresh,
  onChanged,
}: {
  study: StudyDetail;
  setup: SubjectSetupView;
  subject: SubjectDetail;
  refresh: number;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { canEdit } = useSubjectRoles();
  const [dialog, setDialog] = useState<Dialog>(null);
  const tabParam = useSearchParams()[0].get('tab');
  const center = study.centers.find((c) => c.id === subject.centerId);
  const number = subject.subjectNumber ?? subject.screeningNumber;

  const saved = (text: string) => () => {
    setDialog(null);
    void message.success(text);
    onChanged();
  };

  const moves = subject.nextStatuses.filter(isMove);
  const screening = subject.status === 'screening';
  const actions: ReactNode[] = [];
  if (canEdit && screening) {
    actions.push(
      <Button
        key="screen"
        type={subject.screeningDate ? 'default' : 'primary'}
        icon={<SolutionOutlined />}
        onClick={() => setDialog('screen')}
      >
        {subject.screeningDate ? t('subjectsUi.page.rescreen') : t('subjectsUi.page.screen')}
      </Button>,
    );
    if (subject.screeningDate) {
      actions.push(
        <Button key="enroll" type="primary" icon={<UserAddOutlined />} onClick={() => setDialog('enroll')}>
          {t('subjectsUi.page.enroll')}
        </Button>,
      );
    }
  }
  if (canEdit) {
    for (const to of moves) {
      actions.push(
        <Button key={to} danger={to === 'withdrawn'} onClick={() => setDialog({ move: to })}>
          {t(`subjectsUi.move.button.${to}`)}
        </Button>,
      );
    }
    // consents are kept for our own center's subjects who are still in the study
    if (subject.ownCenter && isActive(subject.status)) {
      actions.push(
        <Button key="consent" icon={<FileDoneOutlined />} onClick={() => setDialog('consent')}>
          {t('subjectsUi.page.recordConsent')}
        </Button>,
      );
    }
    actions.push(
      <Button key="edit" icon={<EditOutlined />} onClick={() => setDialog('edit')}>
        {t('common.edit')}
      </Button>,
    );
  }

  return (
    <>
      <Breadcrumb
        className="td-no-print"
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to="/studies">{t('studies.title')}</Link> },
          { title: <Link to={`/studies/${study.id}`}>{study.protocolNumber}</Link> },
          { title: <Link to={`/studies/${study.id}?tab=subjects`}>{t('subjectsUi.tabs.subjects')}</Link> },
          { title: number },
        ]}
      />
      <div className="td-page-header">
        <div style={{ minWidth: 0 }}>
          <Space size={10} align="center" wrap>
            <Typography.Title level={4} className="td-mono" style={{ margin: 0 }}>
              {subject.screeningNumber}
              {subject.subjectNumber && (
                <Typography.Text type="secondary" className="td-mono" style={{ fontSize: 16, marginInlineStart: 8 }}>
                  / {subject.subjectNumber}
                </Typography.Text>
              )}
            </Typography.Title>
            <span data-testid="subject-status">
              <SubjectStatusTag status={subject.status} />
            </span>
            <Tag variant="filled" icon={subject.ownCenter ? <HomeOutlined /> : undefined}>
              {t('subjectsUi.page.center', { code: subject.centerCode })}
              {subject.ownCenter ? ` · ${t('centers.own')}` : ''}
            </Tag>
            <SubjectFlags item={subject} />
          </Space>
          <Typography.Paragraph type="secondary" style={{ margin: '2px 0 0' }}>
            {study.protocolNumber} · {study.shortTitle}
            {center ? ` · ${center.hospitalName}` : ''}
          </Typography.Paragraph>
        </div>
        {actions.length > 0 && (
          <Space wrap style={{ justifyContent: 'flex-end' }} data-testid="subject-actions">
            {actions}
          </Space>
        )}
      </div>

      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={24} xl={16}>
          <div className="td-panel" style={{ height: '100%' }}>
            <SubjectData subject={subject} setup={setup} />
          </div>
        </Col>
        <Col xs={24} xl={8}>
          <div className="td-panel" style={{ height: '100%' }}>
            <Typography.Text strong style={{ display: 'block', marginBottom: 12 }}>
              {t('subjectsUi.timeline.title')}
            </Typography.Text>
            <SubjectTimeline subject={subject} setup={setup} />
          </div>
        </Col>
      </Row>

      {/* a screen failure is never confirmed eligible: no panel, unless a signature was given before */}
      {(subject.status !== 'screen_failed' || subject.eligibilitySignature) && (
        <div className="td-panel" style={{ marginBottom: 12 }}>
          <SignaturePanel
            entity="subject"
            entityId={subject.id}
            meaning="eligibility_confirmed"
            signature={subject.eligibilitySignature}
            statementParams={{}}
            texts={{
              meaning: t('subjectsUi.signature.meanings.eligibility_confirmed'),
              statement: t('subjectsUi.signature.statement', {
                screeningNumber: subject.screeningNumber,
                initials: subject.initials,
                protocolNumber: study.protocolNumber,
                screeningDate: formatDate(subject.screeningDate),
              }),
            }}
            cannotSign={subject.screeningDate ? null : t('subjectsUi.signature.notScreened')}
            onSigned={() => {
              void message.success(t('signatures.signed'));
              onChanged();
            }}
          />
        </div>
      )}

      <div className="td-panel">
        <Tabs
          destroyOnHidden
          // an enrolled subject's page is about its visits; ?tab=aes opens its adverse events (links from elsewhere)
          defaultActiveKey={tabParam ?? (subject.enrollmentDate ? 'visits' : 'screening')}
          items={[
            {
              key: 'visits',
              label: t('visitsUi.subject.tab'),
              children: <SubjectVisitsPanel subject={subject} refresh={refresh} />,
            },
            {
              key: 'aes',
              label: t('aesUi.subject.tab'),
              children: <SubjectAesPanel subject={subject} refresh={refresh} onSubjectChanged={onChanged} />,
            },
            {
              key: 'screening',
              label: t('subjectsUi.page.screeningTab'),
              children: <ScreeningResult subject={subject} setup={setup} />,
            },
            {
              key: 'consents',
              label: `${t('subjectsUi.page.consentsTab')} (${subject.consents.length})`,
              children: <ConsentTable subject={subject} />,
            },
            {
              key: 'history',
              label: t('studies.historyTab'),
              children: (
                <SubjectHistory
                  subjectId={subject.id}
                  centers={new Map(study.centers.map((c) => [c.id, c.code]))}
                  refresh={refresh}
                />
              ),
            },
          ]}
        />
      </div>

      <ScreeningModal
        open={dialog === 'screen'}
        subject={subject}
        setup={setup}
        onClose={() => setDialog(null)}
        onSaved={(s) =>
          saved(
            s.status === 'screen_failed' ? t('subjectsUi.screen.savedFailed') : t('subjectsUi.screen.savedEligible'),
          )()
        }
      />
      <EnrollModal
        open={dialog === 'enroll'}
        study={study}
        subject={subject}
        setup={setup}
        onClose={() => setDialog(null)}
        onSaved={(s) => saved(t('subjectsUi.enroll.saved', { number: s.subjectNumber ?? '' }))()}
      />
      <StatusChangeModal
        subject={subject}
        to={typeof dialog === 'object' && dialog !== null ? dialog.move : null}
        onClose={() => setDialog(null)}
        onSaved={(s) => saved(t('subjectsUi.move.saved', { status: t(`subjectsUi.status.${s.status}`) }))()}
      />
      <ConsentModal
        subject={dialog === 'consent' ? subject : null}
        setup={setup}
        onClose={() => setDialog(null)}
        onSaved={saved(t('subjectsUi.consent.saved'))}
      />
      <EditSubjectDrawer
        open={dialog === 'edit'}
        subject={subject}
        setup={setup}
        onClose={() => setDialog(null)}
        onSaved={saved(t('common.saved'))}
      />
    </>
  );
}

/** 张*明 / ****5678: what the screen shows of a personal field until it is revealed. */
function mask(value: string | null, kind: 'name' | 'number'): string {
  if (!value) return '';
  if (kind === 'name')
    return value.length <= 1
      ? '*'
      : `${value[0]}${'*'.repeat(Math.max(1, value.length - 2))}${value.length > 2 ? value.at(-1) : ''}`;
  return value.length <= 4 ? '****' : `****${value.slice(-4)}`;
}

/** Dates and numbers stay on one line (a narrow column wraps the text around them instead). */
const NoWrap = ({ children }: { children: ReactNode }) => <span style={{ whiteSpace: 'nowrap' }}>{children}</span>;

/** Labels on one line and a steady width, so that values (dates, numbers) do not wrap in narrow columns. */
const DENSE = { label: { width: 112, whiteSpace: 'nowrap' } } as const;

function SubjectData({ subject, setup }: { subject: SubjectDetail; setup: SubjectSetupView }) {
  const { t } = useTranslation();
  const [revealed, setRevealed] = useState(false);
  const dated = (key: keyof SubjectDetail, value: string | null): NonNullable<DescriptionsProps['items']> =>
    value ? [{ key, label: t(`subjectsUi.fields.${key}`), children: <NoWrap>{formatDate(value)}</NoWrap> }] : [];
  const strata = Object.entries(subject.strata);

  const items: DescriptionsProps['items'] = [
    {
      key: 'screeningNumber',
      label: t('subjectsUi.fields.screeningNumber'),
      children: <NoWrap>{subject.screeningNumber}</NoWrap>,
    },
    {
      key: 'subjectNumber',
      label: t('subjectsUi.fields.subjectNumber'),
      children: <NoWrap>{subject.subjectNumber ?? ''}</NoWrap>,
    },
    { key: 'initials', label: t('subjectsUi.fields.initials'), children: subject.initials },
    {
      key: 'sexAge',
      label: t('subjectsUi.fields.sexAge'),
      children: <NoWrap>{sexAge(subject.sex, subject.age)}</NoWrap>,
    },
    {
      key: 'birth',
      label: t('subjectsUi.fields.birth'),
      children: <NoWrap>{subject.birthDate ? formatDate(subject.birthDate) : (subject.birthYear ?? '')}</NoWrap>,
    },
    { key: 'arm', label: t('subjectsUi.fields.arm'), children: codedLabel(setup.arms, subject.arm) },
    ...dated('screeningDate', subject.screeningDate),
    ...dated('enrollmentDate', subject.enrollmentDate),
    ...dated('treatmentStartDate', subject.treatmentStartDate),
    ...dated('followUpDate', subject.followUpDate),
    ...dated('completionDate', subject.completionDate),
    ...dated('screenFailureDate', subject.screenFailureDate),
    ...dated('withdrawalDate', subject.withdrawalDate),
  ];

  // wide values, each on a row of its own below the grid
  const wide: DescriptionsProps['items'] = [
    ...(strata.length
      ? [
          {
            key: 'strata',
            label: t('subjectsUi.fields.strata'),
            children: strata.map(([k, v]) => (
              <Tag key={k} variant="filled">
                {k}
                {t('format.labelSuffix')}
                {v}
              </Tag>
            )),
          },
        ]
      : []),
    ...(subject.withdrawalReason
      ? [
          {
            key: 'withdrawalReason',
            label: t('subjectsUi.fields.withdrawalReason'),
            children: [t(`subjectsUi.withdrawalReason.${subject.withdrawalReason}`), subject.withdrawalDetail]
              .filter(Boolean)
              .join(' — '),
          },
        ]
      : []),
    ...(subject.capOverrideReason
      ? [
          {
            key: 'capOverrideReason',
            label: t('subjectsUi.fields.capOverrideReason'),
            children: subject.capOverrideReason,
          },
        ]
      : []),
  ];
  // the last item of the grid fills its row, so that no cell is left empty and narrow
  const last = items.at(-1);
  if (last) last.span = 'filled';

  const p = subject.personal;
  const shown = (v: string | null, kind: 'name' | 'number') => (revealed ? (v ?? '') : mask(v, kind));
  return (
    <>
      <Descriptions size="small" bordered column={{ xs: 1, md: 2, lg: 3 }} items={items} styles={DENSE} />
      {wide.length > 0 && (
        <Descriptions size="small" bordered column={1} items={wide} styles={DENSE} style={{ marginTop: -1 }} />
      )}
      {p ? (
        <>
          <div className="td-section-head">
            <Typography.Text strong>{t('subjectsUi.register.personalSection')}</Typography.Text>
            <Button
              size="small"
              type="link"
              icon={revealed ? <EyeInvisibleOutlined /> : <EyeOutlined />}
              onClick={() => setRevealed((r) => !r)}
              data-testid="reveal-personal"
            >
              {revealed ? t('subjectsUi.page.hidePersonal') : t('subjectsUi.page.showPersonal')}
            </Button>
          </div>
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, md: 2, lg: 4 }}
            styles={{ label: { whiteSpace: 'nowrap' } }}
            data-testid="personal-fields"
            items={[
              { key: 'name', label: t('subjectsUi.fields.name'), children: shown(p.name, 'name') },
              {
                key: 'recordNumber',
                label: t('subjectsUi.fields.recordNumber'),
                children: shown(p.recordNumber, 'number'),
              },
              { key: 'idNumber', label: t('subjectsUi.fields.idNumber'), children: shown(p.idNumber, 'number') },
              { key: 'phone', label: t('subjectsUi.fields.phone'), children: shown(p.phone, 'number') },
            ]}
          />
        </>
      ) : (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '10px 0 0' }}>
          {subject.ownCenter ? t('subjectsUi.page.personalHidden') : t('subjectsUi.page.otherCenter')}
        </Typography.Paragraph>
      )}
    </>
  );
}

const timelineColors: Record<TimelineEntry['kind'], string> = { consent: 'blue', status: 'green', signature: 'purple' };

function SubjectTimeline({ subject, setup }: { subject: SubjectDetail; setup: SubjectSetupView }) {
  const { t } = useTranslation();
  const entries = subject.timeline;
  if (entries.length === 0) {
    return <Typography.Text type="secondary">{t('subjectsUi.timeline.empty')}</Typography.Text>;
  }
  const what = (e: TimelineEntry) =>
    e.kind === 'consent'
      ? t('subjectsUi.timeline.consent', { version: e.code })
      : e.kind === 'signature'
        ? t('subjectsUi.timeline.signature', {
            meaning: t(`subjectsUi.signature.meanings.${e.code}`, { defaultValue: e.code }),
          })
        : t(`subjectsUi.timeline.status.${e.code}`, { defaultValue: e.code });
  return (
    <Timeline
      data-testid="subject-timeline"
      items={entries.map((e, i) => ({
        key: `${e.kind}-${i}`,
        color:
          e.kind === 'status' && (e.code === 'withdrawn' || e.code === 'screen_failed')
            ? 'red'
            : timelineColors[e.kind],
        content: (
          <>
            {/* the date beside the event: a title column would take half of this narrow panel */}
            <Typography.Text type="secondary" className="td-mono" style={{ fontSize: 12, marginInlineEnd: 8 }}>
              {e.kind === 'signature' ? formatDateTime(e.date) : formatDate(e.date)}
            </Typography.Text>
            <Typography.Text>{what(e)}</Typography.Text>
            {e.invalidated && (
              <Tag color="red" variant="filled" style={{ marginInlineStart: 6 }}>
                {t('subjectsUi.timeline.invalidated')}
              </Tag>
            )}
            <TimelineDetail entry={e} subject={subject} setup={setup} />
          </>
        ),
      }))}
    />
  );
}

/** The second line of a timeline entry: the reasons of a withdrawal or screen failure as labels, else the server's. */
function TimelineDetail({
  entry,
  subject,
  setup,
}: {
  entry: TimelineEntry;
  subject: SubjectDetail;
  setup: SubjectSetupView;
}) {
  const { t } = useTranslation();
  let text = entry.detail;
  if (entry.kind === 'status' && entry.code === 'withdrawn' && subject.withdrawalReason) {
    text = [t(`subjectsUi.withdrawalReason.${subject.withdrawalReason}`), subject.withdrawalDetail]
      .filter(Boolean)
      .join(' — ');
  } else if (entry.kind === 'status' && entry.code === 'screen_failed') {
    text = [codedLabel(setup.screenFailureReasons, subject.screenFailureReason), subject.screenFailureDetail]
      .filter(Boolean)
      .join(' — ');
  } else if (entry.kind === 'status' && entry.code === 'enrolled' && entry.detail) {
    text = `${t('subjectsUi.fields.capOverrideReason')}${t('format.labelSuffix')}${entry.detail}`;
  } else if (entry.kind === 'consent' && entry.detail) {
    text = `${t('subjectsUi.fields.obtainedBy')}${t('format.labelSuffix')}${entry.detail}`;
  }
  if (!text) return null;
  return (
    <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
      {text}
    </Typography.Text>
  );
}

function ScreeningResult({ subject, setup }: { subject: SubjectDetail; setup: SubjectSetupView }) {
  const { t } = useTranslation();
  if (!subject.screeningDate) {
    return <Typography.Text type="secondary">{t('subjectsUi.page.notScreened')}</Typography.Text>;
  }
  const failed = subject.status === 'screen_failed';
  const columns: TableProps<Criterion>['columns'] = [
    {
      key: 'kind',
      title: t('subjectsUi.screen.kind'),
      dataIndex: 'kind',
      width: 90,
      render: (k: Criterion['kind']) => (
        <Tag color={k === 'inclusion' ? 'blue' : 'volcano'} variant="filled">
          {t(`subjectsUi.criterionKind.${k}`)}
        </Tag>
      ),
    },
    { key: 'code', title: t('subjectsUi.setup.code'), dataIndex: 'code', width: 80, className: 'td-mono' },
    { key: 'text', title: t('subjectsUi.screen.criterion'), dataIndex: 'text' },
    {
      key: 'met',
      title: t('subjectsUi.screen.met'),
      width: 110,
      render: (_: unknown, c) => {
        const met = subject.eligibility[c.code];
        return met === undefined
          ? t('subjectsUi.screen.unanswered')
          : met
            ? t('subjectsUi.screen.yes')
            : t('subjectsUi.screen.no');
      },
    },
  ];
  return (
    <>
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, md: 3 }}
        style={{ marginBottom: 12 }}
        items={[
          { key: 'date', label: t('subjectsUi.fields.screeningDate'), children: formatDate(subject.screeningDate) },
          {
            key: 'outcome',
            label: t('subjectsUi.screen.outcome'),
            children: failed ? (
              <Typography.Text type="danger">{t('subjectsUi.screen.failed')}</Typography.Text>
            ) : (
              t('subjectsUi.screen.eligible')
            ),
          },
          ...(failed
            ? [
                {
                  key: 'reason',
                  label: t('subjectsUi.fields.screenFailureReason'),
                  children: [
                    codedLabel(setup.screenFailureReasons, subject.screenFailureReason),
                    subject.screenFailureDetail,
                  ]
                    .filter(Boolean)
                    .join(' — '),
                },
              ]
            : []),
        ]}
      />
      <Table<Criterion> size="small" rowKey="code" columns={columns} dataSource={setup.criteria} pagination={false} />
    </>
  );
}

function ConsentTable({ subject }: { subject: SubjectDetail }) {
  const { t } = useTranslation();
  const columns: TableProps<ConsentView>['columns'] = [
    { key: 'version', title: t('subjectsUi.fields.consentVersion'), dataIndex: 'version', width: 120 },
    {
      key: 'versionDate',
      title: t('subjectsUi.fields.versionDate'),
      dataIndex: 'versionDate',
      width: 120,
      render: formatDate,
    },
    {
      key: 'signedDate',
      title: t('subjectsUi.fields.signedDate'),
      dataIndex: 'signedDate',
      width: 120,
      render: formatDate,
    },
    { key: 'obtainedBy', title: t('subjectsUi.fields.obtainedBy'), dataIndex: 'obtainedBy', width: 140 },
    { key: 'notes', title: t('subjectsUi.fields.notes'), dataIndex: 'notes', render: (v: string | null) => v ?? '' },
    {
      key: 'createdAt',
      title: t('fields.createdAt'),
      dataIndex: 'createdAt',
      width: 150,
      render: (v: string) => (
        <Tooltip title={formatDateTime(v, true)}>
          <span>{formatDateTime(v)}</span>
        </Tooltip>
      ),
    },
  ];
  return (
    <Table<ConsentView>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={subject.consents}
      pagination={false}
      locale={{
        emptyText: subject.ownCenter ? t('subjectsUi.page.noConsents') : t('subjectsUi.page.otherCenterConsents'),
      }}
    />
  );
}
