/**
 * A subject's adverse-event log (the subject page's tab): each AE with its term, grade, dates, seriousness and SAE
 * clock, the investigator's assessment and signature state, the reviewer's warnings; new AE, edit (with reason), SAE
 * reports, signing, and the detail drawer (`?ae=<id>` opens it: other screens link here).
 */
import { AuditOutlined, EditOutlined, PlusOutlined, SendOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Table, Tooltip, Typography, type TableProps } from 'antd';
import { useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { SubjectDetail } from '../../../electron/api';
import type { AeSeverityScale, AeView, SubjectAesView } from '../../../electron/api';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { SignModal } from '../../components/SignaturePanel';
import { formatDate } from '../../i18n/format';
import { useSubjectRoles } from '../subjects/roles';
import { StatusChangeModal } from '../subjects/StatusChangeModal';
import { AE_MEANING, AeDetailDrawer, aeSignTexts, assessed } from './AeDetailDrawer';
import { AeFormModal, type AeFormTarget } from './AeFormModal';
import { SaeClockTag, SeriousTag, SeverityTag, SignatureTag, SusarTag } from './AeTags';
import { aeError, warningText } from './forms';
import { aeNumberText, expectedText } from './labels';
import { SaeReportModal } from './SaeReportModal';

export function SubjectAesPanel({
  subject,
  refresh,
  onSubjectChanged,
}: {
  subject: SubjectDetail;
  refresh: number;
  /** the subject's own record changed (status "withdrawn – death") */
  onSubjectChanged: () => void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { canEdit, investigator } = useSubjectRoles();
  const [params, setParams] = useSearchParams();
  const [changes, setChanges] = useState(0);
  const q = useApiQuery('aes.forSubject', { subjectId: subject.id }, refresh + changes);
  const ctcae = useApiQuery('ctcae.status', {});
  const [formTarget, setFormTarget] = useState<AeFormTarget | null>(null);
  const [reporting, setReporting] = useState<AeView | null>(null);
  const [signing, setSigning] = useState<AeView | null>(null);
  const [death, setDeath] = useState<{ date: string | null } | null>(null);
  const reload = useCallback(() => setChanges((n) => n + 1), []);

  const label = subject.subjectNumber ?? subject.screeningNumber;
  const view = q.data?.subjectId === subject.id ? q.data : undefined;
  const scale: AeSeverityScale = view?.severityScale ?? 'ctcae';
  const detailId = Number(params.get('ae')) || null;
  const detail = view?.aes.find((ae) => ae.id === detailId) ?? null;

  const openDetail = (id: number | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (id === null) next.delete('ae');
        else next.set('ae', String(id));
        return next;
      },
      { replace: true },
    );

  const saved = (saved: SubjectAesView, aeId: number, created: boolean) => {
    setFormTarget(null);
    const ae = saved.aes.find((a) => a.id === aeId);
    const number = ae ? aeNumberText(ae.aeNumber) : '';
    void message.success(t(created ? 'aesUi.subject.created' : 'aesUi.subject.saved', { number }));
    reload();
    // a fatal AE of a subject still in the study: the server offers "withdrawn – death"
    if (saved.offerDeathWithdrawal && subject.nextStatuses.includes('withdrawn')) {
      void modal.confirm({
        title: t('aesUi.subject.deathTitle'),
        content: t('aesUi.subject.deathText', { number }),
        okText: t('aesUi.subject.deathOk'),
        cancelText: t('aesUi.subject.deathLater'),
        okButtonProps: { danger: true },
        onOk: () => setDeath({ date: ae?.endDate ?? null }),
      });
    }
  };

  const rowActions = (ae: AeView, inDrawer = false): ReactNode => (
    <Space size={inDrawer ? 8 : 0} wrap>
      {canEdit && (
        <Button
          size="small"
          type={inDrawer ? 'default' : 'link'}
          icon={inDrawer ? <EditOutlined /> : undefined}
          onClick={(e) => {
            e.stopPropagation();
            setFormTarget({ ae });
          }}
          data-testid={`ae-edit-${ae.aeNumber}`}
        >
          {t('aesUi.subject.edit')}
        </Button>
      )}
      {canEdit && ae.serious && (
        <Button
          size="small"
          type={inDrawer ? 'default' : 'link'}
          danger={ae.reports.length === 0}
          icon={inDrawer ? <SendOutlined /> : undefined}
          onClick={(e) => {
            e.stopPropagation();
            setReporting(ae);
          }}
          data-testid={`ae-report-${ae.aeNumber}`}
        >
          {ae.reports.length === 0 ? t('aesUi.subject.reportSae') : t('aesUi.subject.followUp')}
        </Button>
      )}
      {investigator && ae.signature !== 'valid' && !inDrawer && (
        <Tooltip title={assessed(ae) ? undefined : t('aesUi.signature.notAssessed')}>
          <Button
            size="small"
            type="link"
            disabled={!assessed(ae)}
            onClick={(e) => {
              e.stopPropagation();
              setSigning(ae);
            }}
            data-testid={`ae-sign-${ae.aeNumber}`}
          >
            {ae.signature === 'invalidated' ? t('aesUi.subject.resign') : t('aesUi.subject.sign')}
          </Button>
        </Tooltip>
      )}
      {!inDrawer && (
        <Button
          size="small"
          type="link"
          icon={<AuditOutlined />}
          onClick={(e) => {
            e.stopPropagation();
            openDetail(ae.id);
          }}
          data-testid={`ae-detail-${ae.aeNumber}`}
          aria-label={t('aesUi.subject.detail')}
          title={t('aesUi.subject.detail')}
        />
      )}
    </Space>
  );

  const columns: TableProps<AeView>['columns'] = [
    {
      key: 'number',
      title: t('aesUi.fields.aeNumber'),
      dataIndex: 'aeNumber',
      width: 64,
      render: (n: number) => (
        <Typography.Text strong className="td-mono" style={{ whiteSpace: 'nowrap' }}>
          {aeNumberText(n)}
        </Typography.Text>
      ),
    },
    {
      key: 'term',
      title: t('aesUi.fields.term'),
      render: (_: unknown, ae) => (
        <div style={{ lineHeight: 1.4, minWidth: 160 }}>
          <Typography.Text strong>{ae.verbatimTerm}</Typography.Text>
          {ae.ctcaeTerm && (
            <Typography.Text style={{ display: 'block', fontSize: 12 }} data-testid="ae-ctcae-term">
              {ae.ctcaeTerm}
            </Typography.Text>
          )}
          {ae.soc && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {ae.soc}
            </Typography.Text>
          )}
          {ae.warnings.map((w) => (
            <Typography.Text key={w} type="warning" style={{ display: 'block', fontSize: 12 }} data-testid="ae-warning">
              <WarningOutlined /> {warningText(w)}
            </Typography.Text>
          ))}
        </div>
      ),
    },
    {
      key: 'grade',
      title: scale === 'aesev' ? t('aesUi.fields.severity') : t('aesUi.fields.grade'),
      width: 100,
      render: (_: unknown, ae) => <SeverityTag scale={scale} grade={ae.grade} severity={ae.severity} />,
    },
    {
      key: 'period',
      title: t('aesUi.fields.period'),
      width: 104,
      render: (_: unknown, ae) => (
        <div style={{ whiteSpace: 'nowrap', lineHeight: 1.4 }}>
          {formatDate(ae.startDate)}
          <Typography.Text type={ae.ongoing ? 'warning' : undefined} style={{ display: 'block' }}>
            {ae.ongoing ? `– ${t('aesUi.subject.ongoing')}` : `– ${formatDate(ae.endDate)}`}
          </Typography.Text>
        </div>
      ),
    },
    {
      key: 'serious',
      title: t('aesUi.fields.sae'),
      width: 190,
      render: (_: unknown, ae) =>
        ae.serious ? (
          <Space size={4} wrap>
            <SeriousTag criteria={ae.seriousCriteria} />
            {ae.sae && <SaeClockTag clock={ae.sae} onExpired={reload} />}
            {ae.susar && <SusarTag />}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('common.no')}</Typography.Text>
        ),
    },
    {
      key: 'assessment',
      title: t('aesUi.subject.colAssessment'),
      width: 112,
      render: (_: unknown, ae) => (
        <div style={{ lineHeight: 1.4 }}>
          {ae.causality ? t(`aesUi.causality.${ae.causality}`) : t('common.empty')}
          {/* not given yet: nothing (the server's warning says what is missing) */}
          {ae.expected !== null && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {expectedText(ae.expected)}
            </Typography.Text>
          )}
        </div>
      ),
    },
    {
      key: 'outcome',
      title: t('aesUi.subject.colOutcome'),
      width: 128,
      render: (_: unknown, ae) => (
        <div style={{ lineHeight: 1.4 }}>
          {ae.outcome ? t(`aesUi.outcome.${ae.outcome}`) : t('common.empty')}
          {ae.action && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {t(`aesUi.action.${ae.action}`)}
            </Typography.Text>
          )}
        </div>
      ),
    },
    {
      // the signature state above the buttons: the narrow log keeps room for the terms
      key: 'actions',
      title: t('aesUi.subject.colSignature'),
      width: 150,
      render: (_: unknown, ae) => (
        <>
          <SignatureTag state={ae.signature} signedBy={ae.signedBy} signedAt={ae.signedAt} />
          <div style={{ marginTop: 4, marginInlineStart: -7 }}>{rowActions(ae)}</div>
        </>
      ),
    },
  ];

  const serious = view?.aes.filter((ae) => ae.serious).length ?? 0;
  const signTexts = signing ? aeSignTexts(t, signing, label) : null;

  return (
    <div data-testid="subject-aes">
      <div className="td-toolbar">
        <Typography.Text type="secondary" style={{ flex: 1 }}>
          {view && t(`aesUi.subject.scale.${view.severityScale}`)}
          {view && view.aes.length > 0 && ` · ${t('aesUi.subject.summary', { count: view.aes.length, serious })}`}
        </Typography.Text>
        {canEdit && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setFormTarget({ ae: null })}
            disabled={!view}
            data-testid="ae-add"
          >
            {t('aesUi.subject.add')}
          </Button>
        )}
      </div>
      {q.error && <Alert type="error" showIcon title={aeError(q.error)} style={{ marginBottom: 8 }} />}
      <Table<AeView>
        size="small"
        rowKey="id"
        className="td-top-aligned"
        columns={columns}
        dataSource={view?.aes}
        loading={q.loading && !view}
        pagination={false}
        tableLayout="fixed"
        scroll={{ x: 960 }}
        onRow={(ae) => ({ onClick: () => openDetail(ae.id), style: { cursor: 'pointer' } })}
        rowClassName={(ae) => `td-ae-row-${ae.aeNumber}`}
        locale={{ emptyText: t('aesUi.subject.empty') }}
        data-testid="aes-table"
      />

      <AeFormModal
        target={formTarget}
        subjectId={subject.id}
        subjectLabel={label}
        scale={scale}
        dictionary={(ctcae.data?.terms ?? 0) > 0}
        onClose={() => setFormTarget(null)}
        onSaved={saved}
      />
      <SaeReportModal
        ae={reporting}
        onClose={() => setReporting(null)}
        onSaved={(_ae, what) => {
          setReporting(null);
          void message.success(t('aesUi.report.saved', { what }));
          reload();
        }}
      />
      <SignModal
        open={signing !== null}
        meaningLabel={signTexts?.meaning ?? ''}
        statement={signTexts?.statement ?? ''}
        onCancel={() => setSigning(null)}
        onSubmit={async (password) => {
          if (!signing) return;
          await call('signatures.sign', {
            entity: 'adverse_event',
            entityId: signing.id,
            meaning: AE_MEANING,
            password,
          });
          void message.success(t('aesUi.subject.signed', { number: aeNumberText(signing.aeNumber) }));
          setSigning(null);
          reload();
        }}
      />
      <AeDetailDrawer
        ae={detail}
        subjectLabel={label}
        scale={scale}
        refresh={refresh + changes}
        onClose={() => openDetail(null)}
        onChanged={reload}
        actions={(ae) => rowActions(ae, true)}
      />
      <StatusChangeModal
        subject={subject}
        to={death ? 'withdrawn' : null}
        initial={{ date: death?.date ?? null, withdrawalReason: 'death' }}
        onClose={() => setDeath(null)}
        onSaved={(s) => {
          setDeath(null);
          void message.success(t('subjectsUi.move.saved', { status: t(`subjectsUi.status.${s.status}`) }));
          onSubjectChanged();
        }}
      />
    </div>
  );
}
