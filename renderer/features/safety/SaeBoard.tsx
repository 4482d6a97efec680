/**
 * The SAE board (SAE 看板): serious AEs whose initial report to the sponsor is not yet sent, by due time, each with a
 * live countdown; below, those reported recently (on time or late) with their follow-ups. The state in words is the
 * server's clock (asked again every minute); the countdown only ticks the host's time on screen.
 */
import { ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Skeleton, Space, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AeView, SaeBoardRow } from '../../../electron/api/safety';
import { asApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { formatDateTime } from '../../i18n/format';
import { SeverityTag, SusarTag } from '../aes/AeTags';
import { SaeReportModal } from '../aes/SaeReportModal';
import { useSubjectRoles } from '../subjects/roles';
import { Countdown, useServerNow } from './countdown';
import {
  aeNumberText,
  clockStateColors,
  clockStateText,
  criterionShort,
  criterionText,
  safetyError,
  subjectAesPath,
} from './labels';
import { saesChanged } from './overdue';

const RECENT_DAYS = 30;
const REFRESH_MS = 60_000;

export function SaeBoard({ studyId }: { studyId: number | undefined }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { canEdit } = useSubjectRoles();
  const [refresh, setRefresh] = useState(0);
  const q = useApiQuery('aes.saeBoard', { studyId: studyId ?? null, recentDays: RECENT_DAYS }, refresh);
  const now = useServerNow(q.data?.now);
  // the AE whose report is being logged (the report modal of the AE screens takes the whole record)
  const [reporting, setReporting] = useState<AeView | null>(null);
  const [opening, setOpening] = useState<number | null>(null);

  // the server's states (due → overdue) are asked again every minute
  useEffect(() => {
    const timer = setInterval(() => setRefresh((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  // and as soon as a due SAE's countdown runs out, so that its state turns to overdue without waiting for the minute
  const answer = q.data;
  useEffect(() => {
    if (!answer) return;
    const next = Math.min(
      ...answer.open
        .filter((r) => r.clock.state === 'due')
        .map((r) => Date.parse(r.clock.dueAt) - Date.parse(answer.now)),
    );
    if (!Number.isFinite(next) || next > REFRESH_MS) return;
    const timer = setTimeout(() => setRefresh((n) => n + 1), Math.max(0, next) + 1_000);
    return () => clearTimeout(timer);
  }, [answer]);

  if (!q.data) {
    return q.error ? (
      <Alert type="error" showIcon title={safetyError(q.error)} />
    ) : (
      <Skeleton active paragraph={{ rows: 6 }} />
    );
  }
  const board = q.data;
  const report = async (r: SaeBoardRow) => {
    setOpening(r.id);
    try {
      setReporting(await call('aes.get', { id: r.id }));
    } catch (err) {
      void message.error(safetyError(asApiError(err)));
    } finally {
      setOpening(null);
    }
  };

  const stateTag = (r: SaeBoardRow) => (
    <Tag color={clockStateColors[r.clock.state]} data-testid="sae-state" data-state={r.clock.state}>
      {clockStateText(r.clock.state)}
    </Tag>
  );
  const when = (iso: string | null) => (
    <Tooltip title={iso ? `UTC ${iso}` : undefined}>
      <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(iso)}</span>
    </Tooltip>
  );
  const secondary = (text: string) => <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{text}</div>;

  // the event: which study, subject and AE, its term, grade, criteria and SUSAR flag
  const event: TableProps<SaeBoardRow>['columns'] = [
    {
      key: 'protocol',
      title: t('safetyUi.fields.protocolNumber'),
      dataIndex: 'protocolNumber',
      width: 140,
      hidden: studyId !== undefined,
      render: (v: string) => <span className="td-mono">{v}</span>,
    },
    {
      key: 'subject',
      title: `${t('safetyUi.fields.subject')} / ${t('safetyUi.fields.aeNumber')}`,
      width: 110,
      render: (_: unknown, r) => (
        <>
          <Link to={subjectAesPath(r.studyId, r.subjectId)} className="td-mono">
            {r.subjectLabel}
          </Link>
          <div className="td-mono" style={{ fontSize: 12 }}>
            {aeNumberText(r.aeNumber)}
          </div>
        </>
      ),
    },
    {
      key: 'term',
      title: t('safetyUi.fields.term'),
      width: 180,
      ellipsis: { showTitle: true },
      // the site's own words first, the CTCAE term below (as on the subject's AE log)
      render: (_: unknown, r) => (
        <>
          <div>{r.verbatimTerm}</div>
          {r.ctcaeTerm && <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{r.ctcaeTerm}</div>}
        </>
      ),
    },
    {
      key: 'grade',
      title: t('safetyUi.fields.grade'),
      width: 64,
      render: (_: unknown, r) => <SeverityTag scale={null} grade={r.grade} severity={r.severity} />,
    },
    {
      key: 'criteria',
      title: t('safetyUi.fields.seriousCriteria'),
      width: 150,
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          {r.seriousCriteria.map((c) => (
            <Tooltip key={c} title={criterionText(c)}>
              <Tag color="red" variant="outlined" style={{ marginInlineEnd: 0 }}>
                {criterionShort(c)}
              </Tag>
            </Tooltip>
          ))}
          {r.susar && <SusarTag />}
        </Space>
      ),
    },
  ];

  const openColumns: TableProps<SaeBoardRow>['columns'] = [
    {
      key: 'remaining',
      title: t('safetyUi.fields.remaining'),
      width: 180,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={2}>
          {stateTag(r)}
          <Countdown dueAt={r.clock.dueAt} now={now} />
        </Space>
      ),
    },
    {
      key: 'dueAt',
      title: t('safetyUi.fields.dueAt'),
      width: 170,
      render: (_: unknown, r) => (
        <>
          {when(r.clock.dueAt)}
          {secondary(t('safetyUi.board.aware', { time: formatDateTime(r.clock.awarenessAt) }))}
          {secondary(t('safetyUi.board.hoursLimit', { hours: r.clock.hours }))}
        </>
      ),
    },
    ...(event ?? []),
    {
      key: 'actions',
      title: t('common.actions'),
      width: 80,
      hidden: !canEdit,
      render: (_: unknown, r) => (
        <Button
          size="small"
          type="primary"
          danger={r.clock.state === 'overdue'}
          icon={<SendOutlined />}
          loading={opening === r.id}
          onClick={() => void report(r)}
          data-testid="sae-report"
        >
          {t('safetyUi.board.report')}
        </Button>
      ),
    },
  ];

  const recentColumns: TableProps<SaeBoardRow>['columns'] = [
    { key: 'state', title: t('safetyUi.fields.state'), width: 90, render: (_: unknown, r) => stateTag(r) },
    {
      key: 'reportedAt',
      title: t('safetyUi.fields.reportedAt'),
      width: 170,
      render: (_: unknown, r) => (
        <>
          {when(r.clock.reportedAt)}
          {secondary(t('safetyUi.board.due', { time: formatDateTime(r.clock.dueAt) }))}
          {secondary(t('safetyUi.board.aware', { time: formatDateTime(r.clock.awarenessAt) }))}
        </>
      ),
    },
    ...(event ?? []),
    {
      key: 'followUps',
      title: t('safetyUi.fields.followUps'),
      dataIndex: 'followUps',
      width: 80,
      align: 'right',
      render: (n: number) => (
        <span data-testid="sae-follow-ups">{t('safetyUi.board.followUpCount', { count: n })}</span>
      ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 100,
      hidden: !canEdit,
      render: (_: unknown, r) => (
        <Button
          size="small"
          icon={<SendOutlined />}
          loading={opening === r.id}
          onClick={() => void report(r)}
          data-testid="sae-follow-up"
        >
          {t('safetyUi.board.followUp')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="sae-board">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('safetyUi.board.intro')}
      </Typography.Paragraph>
      {q.error && <Alert type="error" showIcon title={safetyError(q.error)} style={{ marginBottom: 12 }} />}
      <BoardSection
        testId="sae-open"
        title={t('safetyUi.board.open')}
        hint={t('safetyUi.board.openHint')}
        count={board.open.length}
        alarm={board.open.some((r) => r.clock.state === 'overdue')}
        empty={t('safetyUi.board.emptyOpen')}
        extra={
          <Space style={{ marginInlineStart: 'auto' }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="sae-board-now">
              {t('safetyUi.board.computedAt', { time: formatDateTime(board.now, true) })}
            </Typography.Text>
            <Button size="small" icon={<ReloadOutlined />} onClick={() => setRefresh((n) => n + 1)}>
              {t('safetyUi.refresh')}
            </Button>
          </Space>
        }
      >
        <Table<SaeBoardRow>
          size="small"
          rowKey="id"
          columns={openColumns}
          dataSource={board.open}
          pagination={false}
          scroll={{ x: 1000 }}
          onRow={(r) => (r.clock.state === 'overdue' ? { style: { background: '#fff1f0' } } : {})}
        />
      </BoardSection>
      <BoardSection
        testId="sae-recent"
        title={t('safetyUi.board.recent')}
        hint={t('safetyUi.board.recentHint', { days: RECENT_DAYS })}
        count={board.recent.length}
        alarm={false}
        empty={t('safetyUi.board.emptyRecent')}
      >
        <Table<SaeBoardRow>
          size="small"
          rowKey="id"
          columns={recentColumns}
          dataSource={board.recent}
          pagination={false}
          scroll={{ x: 1000 }}
        />
      </BoardSection>
      <SaeReportModal
        ae={reporting}
        onClose={() => setReporting(null)}
        onSaved={(ae, what) => {
          setReporting(null);
          const initial = ae.reports.length === 1;
          if (initial && ae.sae) {
            const text = t('safetyUi.report.initialSaved', { state: clockStateText(ae.sae.state) });
            void (ae.sae.state === 'late' ? message.warning(text) : message.success(text));
          } else void message.success(t('aesUi.report.saved', { what }));
          saesChanged();
          setRefresh((n) => n + 1);
        }}
      />
    </div>
  );
}

function BoardSection({
  testId,
  title,
  hint,
  count,
  alarm,
  empty,
  extra,
  children,
}: {
  testId: string;
  title: string;
  hint: string;
  count: number;
  alarm: boolean;
  empty: string;
  extra?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section style={{ marginBottom: 20 }} data-testid={testId} aria-label={title}>
      <div className="td-section-head" style={{ justifyContent: 'flex-start' }}>
        <Typography.Text strong style={alarm ? { color: '#cf1322' } : undefined}>
          {title}
        </Typography.Text>
        <Tag color={alarm ? 'red' : count > 0 ? 'blue' : 'default'} data-testid={`${testId}-count`}>
          {count}
        </Tag>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {hint}
        </Typography.Text>
        {extra}
      </div>
      {count === 0 ? (
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {empty}
        </Typography.Text>
      ) : (
        children
      )}
    </section>
  );
}
