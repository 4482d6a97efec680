/**
 * One adverse event in full: the record, the reviewer's warnings, the SAE reports and clocks (the SUSAR clock for
 * information), the investigator's signature (signing from here too) and the AE's audit trail.
 */
import { WarningOutlined } from '@ant-design/icons';
import {
  Alert,
  Descriptions,
  Drawer,
  Space,
  Table,
  Tag,
  Typography,
  type DescriptionsProps,
  type TableProps,
} from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignatureView } from '../../../electron/api';
import type { AeSeverityScale, AeView, SaeReportView } from '../../../electron/api';
import { useApiQuery } from '../../api/useApiQuery';
import { SignaturePanel } from '../../components/SignaturePanel';
import { formatDate, formatDateTime } from '../../i18n/format';
import { AeHistory } from './AeHistory';
import { SaeClockTag, SeriousTag, SeverityTag, SignatureTag, SusarClockText, SusarTag } from './AeTags';
import { warningText } from './forms';
import { aeNumberText, expectedText } from './labels';
import { reportName } from './SaeReportModal';

export const AE_MEANING = 'ae_assessed';

/** Causality and expectedness given: what the investigator signs is there (the server checks it again). */
export const assessed = (ae: Pick<AeView, 'causality' | 'expected'>): boolean =>
  ae.causality !== null && ae.expected !== null;

/** The signature statement of an AE: what the investigator vouches for. */
export function aeSignTexts(
  t: (key: string, opts?: Record<string, unknown>) => string,
  ae: Pick<AeView, 'aeNumber' | 'verbatimTerm' | 'ctcaeTerm'>,
  subjectLabel: string,
) {
  return {
    meaning: t('aesUi.signature.meaning'),
    statement: t('aesUi.signature.statement', {
      subject: subjectLabel,
      number: aeNumberText(ae.aeNumber),
      term: ae.ctcaeTerm ? `${ae.verbatimTerm} / ${ae.ctcaeTerm}` : ae.verbatimTerm,
    }),
  };
}

const NoWrap = ({ children }: { children: ReactNode }) => <span style={{ whiteSpace: 'nowrap' }}>{children}</span>;

export function AeDetailDrawer({
  ae,
  subjectLabel,
  scale,
  refresh,
  onClose,
  onChanged,
  actions,
}: {
  /** the AE as the log has it (aes.forSubject gives each AE in full); null: closed */
  ae: AeView | null;
  subjectLabel: string;
  scale: AeSeverityScale;
  refresh: number;
  onClose: () => void;
  /** something changed here (a signature): the log reloads, and with it this AE */
  onChanged: () => void;
  /** the AE's buttons (edit, report), as the log shows them */
  actions?: (ae: AeView) => ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Drawer
      open={ae !== null}
      onClose={onClose}
      size={900}
      title={ae ? t('aesUi.detail.title', { number: aeNumberText(ae.aeNumber), subject: subjectLabel }) : ''}
      extra={ae && actions?.(ae)}
      destroyOnHidden
      data-testid="ae-detail"
    >
      {ae && <AeDetail ae={ae} scale={scale} subjectLabel={subjectLabel} refresh={refresh} onChanged={onChanged} />}
    </Drawer>
  );
}

function AeDetail({
  ae,
  scale,
  subjectLabel,
  refresh,
  onChanged,
}: {
  ae: AeView;
  scale: AeSeverityScale;
  subjectLabel: string;
  refresh: number;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const sigs = useApiQuery('signatures.forRecord', { entity: 'adverse_event', entityId: ae.id }, refresh);
  const signatures = sigs.data ?? [];
  const latest: SignatureView | null =
    signatures.filter((s) => s.meaning === AE_MEANING).sort((a, b) => b.id - a.id)[0] ?? null;
  const onExpired = onChanged;
  const sep = t('format.listSeparator');
  const items: DescriptionsProps['items'] = [
    { key: 'verbatimTerm', label: t('aesUi.fields.verbatimTerm'), children: ae.verbatimTerm, span: 'filled' },
    ...(ae.ctcaeTerm
      ? [
          {
            key: 'ctcaeTerm',
            label: t('aesUi.fields.ctcaeTerm'),
            span: 'filled' as const,
            children: (
              <Space size={8} wrap>
                <Typography.Text strong>{ae.ctcaeTerm}</Typography.Text>
                {ae.ctcaeCode && (
                  <Typography.Text type="secondary" className="td-mono">
                    MedDRA {ae.ctcaeCode}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
        ]
      : []),
    ...(ae.soc ? [{ key: 'soc', label: t('aesUi.fields.soc'), children: ae.soc, span: 'filled' as const }] : []),
    {
      key: 'grade',
      label: scale === 'aesev' ? t('aesUi.fields.severity') : t('aesUi.fields.grade'),
      children: <SeverityTag scale={scale} grade={ae.grade} severity={ae.severity} />,
    },
    {
      key: 'period',
      label: t('aesUi.fields.period'),
      children: (
        <NoWrap>
          {formatDate(ae.startDate)} – {ae.ongoing ? t('aesUi.subject.ongoing') : formatDate(ae.endDate)}
        </NoWrap>
      ),
    },
    {
      key: 'serious',
      label: t('aesUi.fields.serious'),
      span: 'filled',
      children: ae.serious ? (
        <Space size={6} wrap>
          <SeriousTag criteria={ae.seriousCriteria} />
          <span>{ae.seriousCriteria.map((c) => t(`aesUi.criteria.${c}`)).join(sep)}</span>
        </Space>
      ) : (
        t('common.no')
      ),
    },
    ...(ae.sae
      ? [
          {
            key: 'awarenessAt',
            label: t('aesUi.fields.awarenessAt'),
            children: <NoWrap>{formatDateTime(ae.sae.awarenessAt)}</NoWrap>,
          },
          {
            key: 'clock',
            label: t('aesUi.fields.reportDueAt'),
            children: (
              <Space size={6} wrap>
                <NoWrap>{formatDateTime(ae.sae.dueAt)}</NoWrap>
                <SaeClockTag clock={ae.sae} onExpired={onExpired} />
              </Space>
            ),
          },
        ]
      : []),
    {
      key: 'causality',
      label: t('aesUi.fields.causality'),
      children: ae.causality ? t(`aesUi.causality.${ae.causality}`) : t('common.empty'),
    },
    {
      key: 'expected',
      label: t('aesUi.fields.expected'),
      children: (
        <Space size={6}>
          {ae.expected === null ? t('common.empty') : expectedText(ae.expected)}
          {ae.susar && <SusarTag />}
        </Space>
      ),
    },
    {
      key: 'action',
      label: t('aesUi.fields.action'),
      children: ae.action ? t(`aesUi.action.${ae.action}`) : t('common.empty'),
    },
    {
      key: 'outcome',
      label: t('aesUi.fields.outcome'),
      children: ae.outcome ? t(`aesUi.outcome.${ae.outcome}`) : t('common.empty'),
    },
    ...(ae.treatment
      ? [{ key: 'treatment', label: t('aesUi.fields.treatment'), children: ae.treatment, span: 'filled' as const }]
      : []),
    ...(ae.visitCode ? [{ key: 'visit', label: t('aesUi.fields.visitId'), children: ae.visitCode }] : []),
    ...(ae.notes
      ? [{ key: 'notes', label: t('aesUi.fields.notes'), children: ae.notes, span: 'filled' as const }]
      : []),
    {
      key: 'signature',
      label: t('aesUi.fields.signature'),
      children: <SignatureTag state={ae.signature} signedBy={ae.signedBy} signedAt={ae.signedAt} />,
    },
    {
      key: 'updatedAt',
      label: t('aesUi.detail.updatedAt'),
      children: <NoWrap>{formatDateTime(ae.updatedAt)}</NoWrap>,
    },
  ];

  const reportColumns: TableProps<SaeReportView>['columns'] = [
    {
      key: 'number',
      title: t('aesUi.fields.number'),
      dataIndex: 'number',
      width: 110,
      render: (n: number) => <Tag color={n === 0 ? 'blue' : 'default'}>{reportName(t, n)}</Tag>,
    },
    {
      key: 'sentAt',
      title: t('aesUi.fields.sentAt'),
      dataIndex: 'sentAt',
      width: 150,
      render: (v: string) => <NoWrap>{formatDateTime(v)}</NoWrap>,
    },
    { key: 'recipient', title: t('aesUi.fields.recipient'), dataIndex: 'recipient' },
    {
      key: 'method',
      title: t('aesUi.fields.method'),
      dataIndex: 'method',
      width: 110,
      render: (m: string) => t(`aesUi.method.${m}`, { defaultValue: m }),
    },
    { key: 'notes', title: t('aesUi.fields.notes'), dataIndex: 'notes', render: (v: string | null) => v ?? '' },
    { key: 'createdBy', title: t('aesUi.fields.createdBy'), dataIndex: 'createdBy', width: 90 },
  ];

  return (
    <>
      <Space size={6} wrap style={{ marginBottom: 12 }}>
        <Typography.Text strong style={{ fontSize: 16 }}>
          {ae.verbatimTerm}
        </Typography.Text>
        <SeverityTag scale={scale} grade={ae.grade} severity={ae.severity} />
        {ae.serious && <SeriousTag criteria={ae.seriousCriteria} />}
        {ae.sae && <SaeClockTag clock={ae.sae} onExpired={onExpired} />}
        {ae.susar && <SusarTag />}
        <SignatureTag state={ae.signature} signedBy={ae.signedBy} signedAt={ae.signedAt} />
      </Space>
      {ae.warnings.length > 0 && (
        <Alert
          type="warning"
          showIcon
          icon={<WarningOutlined />}
          style={{ marginBottom: 12 }}
          data-testid="ae-warnings"
          title={
            ae.warnings.length === 1 ? (
              warningText(ae.warnings[0] ?? '')
            ) : (
              <ul style={{ margin: 0, paddingInlineStart: 16 }}>
                {ae.warnings.map((w) => (
                  <li key={w}>{warningText(w)}</li>
                ))}
              </ul>
            )
          }
        />
      )}
      <Descriptions
        size="small"
        bordered
        column={2}
        items={items}
        styles={{ label: { width: 150, whiteSpace: 'nowrap' } }}
        data-testid="ae-record"
      />

      {ae.serious && (
        <>
          <div className="td-section-head">
            <Typography.Text strong>{t('aesUi.report.list')}</Typography.Text>
          </div>
          <Table<SaeReportView>
            size="small"
            rowKey="id"
            columns={reportColumns}
            dataSource={ae.reports}
            pagination={false}
            locale={{ emptyText: t('aesUi.report.empty') }}
            data-testid="sae-reports"
          />
          {ae.susarClock && (
            <Alert
              type="info"
              style={{ marginTop: 12 }}
              title={<SusarClockText clock={ae.susarClock} />}
              description={
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('aesUi.susar.clockNote')}
                </Typography.Text>
              }
            />
          )}
        </>
      )}

      <div style={{ marginTop: 16 }}>
        <SignaturePanel
          entity="adverse_event"
          entityId={ae.id}
          meaning={AE_MEANING}
          signature={latest}
          statementParams={{}}
          texts={aeSignTexts(t, ae, subjectLabel)}
          cannotSign={assessed(ae) ? null : t('aesUi.signature.notAssessed')}
          onSigned={onChanged}
        />
      </div>
      {signatures.length > 1 && (
        <>
          <div className="td-section-head">
            <Typography.Text strong>{t('aesUi.detail.signatures')}</Typography.Text>
          </div>
          <ul className="td-changes" data-testid="ae-signatures">
            {[...signatures]
              .sort((a, b) => b.id - a.id)
              .map((s) => (
                <li key={s.id}>
                  <Typography.Text>
                    {formatDateTime(s.signedAt, true)} · {s.signerName} ·{' '}
                  </Typography.Text>
                  {s.superseded ? (
                    <Typography.Text type="secondary">{t('aesUi.detail.superseded')}</Typography.Text>
                  ) : s.valid ? (
                    <Typography.Text type="success">{t('aesUi.signature.valid')}</Typography.Text>
                  ) : (
                    <Typography.Text type="danger">{t('aesUi.signature.invalidated')}</Typography.Text>
                  )}
                </li>
              ))}
          </ul>
        </>
      )}

      <div className="td-section-head">
        <Typography.Text strong>{t('aesUi.detail.history')}</Typography.Text>
      </div>
      <AeHistory aeId={ae.id} refresh={refresh} />
    </>
  );
}
