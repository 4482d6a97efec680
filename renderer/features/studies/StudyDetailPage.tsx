import { DownOutlined, EditOutlined } from '@ant-design/icons';
import {
  App,
  Breadcrumb,
  Button,
  Descriptions,
  Dropdown,
  Skeleton,
  Space,
  Tabs,
  Tooltip,
  Typography,
  type DescriptionsProps,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import type { StudyDetail, StudyStatus } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { ErrorState } from '../../components/ErrorState';
import { needsReason } from '../../components/formErrors';
import { ReasonModal } from '../../components/ReasonModal';
import { StudyStatusTag } from '../../components/StatusTag';
import { SignaturePanel } from '../../components/SignaturePanel';
import { formatDate, formatDateTime } from '../../i18n/format';
import { CentersPanel } from './CentersPanel';
import { HistoryPanel } from './HistoryPanel';
import { StudyFormDrawer } from './StudyFormDrawer';
import { useCanEditStudies } from '../../app/permissions';
import { useSubjectTabs } from '../subjects/studyTabs';

export function StudyDetailPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const [refresh, setRefresh] = useState(0);
  const q = useApiQuery('studies.get', { id }, refresh);
  const reload = () => setRefresh((r) => r + 1);

  if (!q.data || q.data.id !== id) {
    if (q.error) {
      return (
        <div className="td-panel">
          <ErrorState
            error={q.error}
            title={q.error.code === 'not_found' ? t('studies.notFound') : undefined}
            onRetry={q.error.code === 'not_found' ? undefined : q.reload}
            extra={
              <Link key="back" to="/studies">
                {t('studies.backToList')}
              </Link>
            }
          />
        </div>
      );
    }
    return (
      <div className="td-panel">
        <Skeleton active paragraph={{ rows: 8 }} />
      </div>
    );
  }
  return <StudyView study={q.data} refresh={refresh} onChanged={reload} />;
}

function StudyView({ study, refresh, onChanged }: { study: StudyDetail; refresh: number; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [editing, setEditing] = useState(false);
  const canEdit = useCanEditStudies();
  const [moving, setMoving] = useState<{ to: StudyStatus; reasonAsked: boolean } | null>(null);
  const subjectTabs = useSubjectTabs(study);
  // the open tab lives in the address, so that coming back from a subject shows its list again
  const [params, setParams] = useSearchParams();
  const tabKeys = ['centers', ...subjectTabs.map((tab) => tab.key), 'history'];
  const tab = tabKeys.find((k) => k === params.get('tab')) ?? 'centers';

  const changeStatus = async (reason: string | null) => {
    if (!moving) return;
    try {
      const s = await call('studies.changeStatus', { id: study.id, status: moving.to, reason });
      setMoving(null);
      void message.success(t('studies.statusChanged', { status: t(`studyStatus.${s.status}`) }));
      onChanged();
    } catch (err) {
      if (needsReason(asApiError(err), 'validation.reasonRequiredForStatus'))
        setMoving({ ...moving, reasonAsked: true });
      throw err; // shown in the modal
    }
  };

  const text = (v: string | null) => v ?? '';
  const items: DescriptionsProps['items'] = [
    { key: 'protocolNumber', label: t('fields.protocolNumber'), children: study.protocolNumber },
    { key: 'registrationNumber', label: t('fields.registrationNumber'), children: text(study.registrationNumber) },
    { key: 'phase', label: t('fields.phase'), children: t(`phase.${study.phase}`) },
    { key: 'title', label: t('fields.title'), children: study.title, span: 3 },
    { key: 'shortTitle', label: t('fields.shortTitle'), children: study.shortTitle },
    { key: 'indication', label: t('fields.indication'), children: study.indication },
    { key: 'therapeuticArea', label: t('fields.therapeuticArea'), children: t(`area.${study.therapeuticArea}`) },
    { key: 'sponsor', label: t('fields.sponsor'), children: study.sponsor },
    { key: 'cro', label: t('fields.cro'), children: text(study.cro) },
    { key: 'sitePi', label: t('fields.sitePi'), children: study.sitePi },
    { key: 'protocolVersion', label: t('fields.protocolVersion'), children: text(study.protocolVersion) },
    {
      key: 'protocolVersionDate',
      label: t('fields.protocolVersionDate'),
      children: formatDate(study.protocolVersionDate),
    },
    {
      key: 'ethicsApprovalDate',
      label: t('fields.ethicsApprovalDate'),
      children: formatDate(study.ethicsApprovalDate),
    },
    { key: 'enrollmentTarget', label: t('fields.enrollmentTarget'), children: study.enrollmentTarget ?? '' },
    { key: 'status', label: t('fields.status'), children: <StudyStatusTag status={study.status} /> },
    { key: 'statusReason', label: t('fields.statusReason'), children: text(study.statusReason) },
    { key: 'createdAt', label: t('fields.createdAt'), children: formatDateTime(study.createdAt) },
    { key: 'updatedAt', label: t('fields.updatedAt'), children: formatDateTime(study.updatedAt), span: 2 },
  ];

  const statusButton = (
    <Button disabled={study.nextStatuses.length === 0}>
      {t('studies.changeStatus')} <DownOutlined />
    </Button>
  );

  return (
    <>
      <Breadcrumb
        className="td-no-print"
        style={{ marginBottom: 8 }}
        items={[{ title: <Link to="/studies">{t('studies.title')}</Link> }, { title: study.protocolNumber }]}
      />
      <div className="td-page-header td-no-print">
        <div style={{ minWidth: 0 }}>
          <Space size={10} align="center">
            <Typography.Title level={4} className="td-mono" style={{ margin: 0 }}>
              {study.protocolNumber}
            </Typography.Title>
            <StudyStatusTag status={study.status} />
          </Space>
          <Typography.Paragraph type="secondary" ellipsis={{ tooltip: study.title }} style={{ margin: '2px 0 0' }}>
            {study.shortTitle} · {study.title}
          </Typography.Paragraph>
        </div>
        {canEdit && (
          <Space>
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t('common.edit')}
            </Button>
            {study.nextStatuses.length === 0 ? (
              <Tooltip title={t('studies.noNextStatus')}>{statusButton}</Tooltip>
            ) : (
              <Dropdown
                trigger={['click']}
                menu={{
                  // the server says where the study may go from here
                  items: study.nextStatuses.map((s) => ({ key: s, label: t(`studyStatus.${s}`) })),
                  onClick: ({ key }) => setMoving({ to: key as StudyStatus, reasonAsked: false }),
                }}
              >
                {statusButton}
              </Dropdown>
            )}
          </Space>
        )}
      </div>

      <div className="td-panel td-no-print" style={{ marginBottom: 12 }}>
        <Descriptions size="small" bordered column={{ xs: 1, sm: 1, md: 2, lg: 3 }} items={items} />
      </div>

      <div className="td-panel td-no-print" style={{ marginBottom: 12 }}>
        <SignaturePanel
          entity="study"
          entityId={study.id}
          meaning="protocol_version_approved"
          signature={study.protocolApproval}
          statementParams={{
            protocolNumber: study.protocolNumber,
            protocolVersion: study.protocolVersion ?? '',
            protocolVersionDate: formatDate(study.protocolVersionDate),
          }}
          cannotSign={study.protocolVersion ? null : t('msg.signatures.noProtocolVersion')}
          onSigned={onChanged}
        />
      </div>

      <div className="td-panel">
        <Tabs
          destroyOnHidden
          activeKey={tab}
          // a tab's own filters (subjects list) do not carry over to another tab
          onChange={(key) => setParams({ tab: key }, { replace: true })}
          items={[
            {
              key: 'centers',
              label: `${t('studies.centersTab')} (${study.centers.length})`,
              children: <CentersPanel study={study} onChanged={onChanged} />,
            },
            ...subjectTabs,
            {
              key: 'history',
              label: t('studies.historyTab'),
              children: <HistoryPanel study={study} refresh={refresh} />,
            },
          ]}
        />
      </div>

      <StudyFormDrawer
        open={editing}
        study={study}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          onChanged();
        }}
      />
      <ReasonModal
        key={moving?.to ?? 'none'}
        open={moving !== null}
        title={
          moving &&
          t('studies.statusChangeTitle', {
            from: t(`studyStatus.${study.status}`),
            to: t(`studyStatus.${moving.to}`),
          })
        }
        description={<Typography.Text type="secondary">{t('studies.statusChangeHint')}</Typography.Text>}
        reasonRequired={moving?.reasonAsked}
        onSubmit={({ reason }) => changeStatus(reason)}
        onCancel={() => setMoving(null)}
      />
    </>
  );
}
