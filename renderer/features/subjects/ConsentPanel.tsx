import { CheckCircleFilled, FileDoneOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Col,
  Form,
  Input,
  Modal,
  Row,
  Skeleton,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type {
  ConsentVersionView,
  ReconsentItem,
  StudyDetail,
  SubjectSetupView,
  SubjectStatus,
} from '../../../electron/api';
import { call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { DateField } from '../../components/DateField';
import { SubjectStatusTag } from '../../components/StatusTag';
import { formatDate } from '../../i18n/format';
import { ConsentModal } from './ConsentModal';
import { clearChangedErrors, subjectError, today } from './forms';
import { useSubjectRoles } from './roles';
import { subjectPath } from './SubjectsPanel';
import { FormAlert, useModalSubmit } from './useModalSubmit';

/**
 * Informed consent of the study: the versions approved by the ethics committee (the latest is current), approving a
 * new one, and the subjects who must re-consent to it — each recorded here until the list is empty.
 */
export function ConsentPanel({ study }: { study: StudyDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { canEdit } = useSubjectRoles();
  const [refresh, setRefresh] = useState(0);
  const [approving, setApproving] = useState(false);
  const setup = useApiQuery('subjects.setup', { studyId: study.id }, refresh);
  const reload = () => setRefresh((r) => r + 1);

  if (setup.error && !setup.data) return <Alert type="error" showIcon title={subjectError(setup.error)} />;
  if (!setup.data) return <Skeleton active paragraph={{ rows: 6 }} />;

  const versionColumns: TableProps<ConsentVersionView>['columns'] = [
    {
      key: 'version',
      title: t('subjectsUi.fields.consentVersion'),
      dataIndex: 'version',
      width: 160,
      render: (v: string, r) => (
        <>
          <Typography.Text strong={r.current}>{v}</Typography.Text>
          {r.current && (
            <Tag color="green" icon={<CheckCircleFilled />} variant="filled" style={{ marginInlineStart: 6 }}>
              {t('subjectsUi.consent.current')}
            </Tag>
          )}
        </>
      ),
    },
    {
      key: 'versionDate',
      title: t('subjectsUi.fields.versionDate'),
      dataIndex: 'versionDate',
      width: 130,
      render: (v: string) => formatDate(v),
    },
    {
      key: 'approvedDate',
      title: t('subjectsUi.fields.approvedDate'),
      dataIndex: 'approvedDate',
      render: (v: string) => formatDate(v),
    },
  ];

  return (
    <>
      <div className="td-section-head">
        <Typography.Text strong>{t('subjectsUi.consent.versionsTitle')}</Typography.Text>
        {canEdit && (
          <Button icon={<PlusOutlined />} onClick={() => setApproving(true)}>
            {t('subjectsUi.consent.approve')}
          </Button>
        )}
      </div>
      <Table<ConsentVersionView>
        data-testid="consent-versions"
        size="small"
        rowKey="id"
        columns={versionColumns}
        dataSource={setup.data.consentVersions}
        pagination={false}
        locale={{ emptyText: t('subjectsUi.consent.noVersions') }}
      />

      {/* re-consent is our own center's work: monitors do not get the list */}
      {canEdit && <ReconsentSection study={study} setup={setup.data} refresh={refresh} onChanged={reload} />}

      <ApproveVersionModal
        open={approving}
        studyId={study.id}
        onClose={() => setApproving(false)}
        onSaved={(s) => {
          setApproving(false);
          const current = s.consentVersions.find((v) => v.current);
          void message.success(t('subjectsUi.consent.approved', { version: current?.version ?? '' }));
          reload();
        }}
      />
    </>
  );
}

/** The subjects who must sign the current version, each with a button to record it; empty when all have. */
function ReconsentSection({
  study,
  setup,
  refresh,
  onChanged,
}: {
  study: StudyDetail;
  setup: SubjectSetupView;
  refresh: number;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [reconsenting, setReconsenting] = useState<ReconsentItem | null>(null);
  const reconsent = useApiQuery('subjects.reconsentList', { studyId: study.id }, refresh);

  const reconsentColumns: TableProps<ReconsentItem>['columns'] = [
    {
      key: 'screeningNumber',
      title: t('subjectsUi.fields.screeningNumber'),
      dataIndex: 'screeningNumber',
      width: 110,
      render: (v: string, r) => (
        <Link to={subjectPath(study.id, r.subjectId)} className="td-mono">
          {v}
        </Link>
      ),
    },
    {
      key: 'subjectNumber',
      title: t('subjectsUi.fields.subjectNumber'),
      dataIndex: 'subjectNumber',
      width: 110,
      render: (v: string | null) => <span className="td-mono">{v ?? ''}</span>,
    },
    { key: 'initials', title: t('subjectsUi.fields.initials'), dataIndex: 'initials', width: 80 },
    {
      key: 'status',
      title: t('subjectsUi.fields.status'),
      dataIndex: 'status',
      width: 96,
      render: (v: SubjectStatus) => <SubjectStatusTag status={v} />,
    },
    {
      key: 'last',
      title: t('subjectsUi.consent.lastConsent'),
      width: 200,
      render: (_: unknown, r) =>
        r.lastConsentVersion ? `${r.lastConsentVersion} · ${formatDate(r.lastConsentDate)}` : t('common.empty'),
    },
    {
      key: 'nextVisitDate',
      title: t('subjectsUi.consent.nextVisit'),
      dataIndex: 'nextVisitDate',
      width: 120,
      render: (v: string | null) => formatDate(v),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 150,
      render: (_: unknown, r) => (
        <Button size="small" type="link" icon={<FileDoneOutlined />} onClick={() => setReconsenting(r)}>
          {t('subjectsUi.consent.recordReconsent')}
        </Button>
      ),
    },
  ];

  const pending = reconsent.data?.length ?? 0;
  return (
    <>
      <div className="td-section-head" style={{ marginTop: 20 }}>
        <Typography.Text strong>
          {t('subjectsUi.consent.reconsentTitle')}
          {reconsent.data && (
            <Tag color={pending ? 'orange' : 'green'} variant="filled" style={{ marginInlineStart: 8 }}>
              {pending ? t('subjectsUi.consent.pending', { count: pending }) : t('subjectsUi.consent.allDone')}
            </Tag>
          )}
        </Typography.Text>
      </div>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {t('subjectsUi.consent.reconsentHint')}
      </Typography.Paragraph>
      {reconsent.error && (
        <Alert type="error" showIcon title={subjectError(reconsent.error)} style={{ marginBottom: 8 }} />
      )}
      <Table<ReconsentItem>
        data-testid="reconsent-list"
        size="small"
        rowKey="subjectId"
        columns={reconsentColumns}
        dataSource={reconsent.data}
        loading={reconsent.loading}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: t('subjectsUi.consent.reconsentEmpty') }}
      />

      <ConsentModal
        subject={reconsenting && { ...reconsenting, id: reconsenting.subjectId }}
        setup={setup}
        onClose={() => setReconsenting(null)}
        onSaved={() => {
          setReconsenting(null);
          void message.success(t('subjectsUi.consent.saved'));
          onChanged();
        }}
      />
    </>
  );
}

interface ApproveValues {
  version: string;
  versionDate: string | null;
  approvedDate: string | null;
}

function ApproveVersionModal({
  open,
  studyId,
  onClose,
  onSaved,
}: {
  open: boolean;
  studyId: number;
  onClose: () => void;
  onSaved: (setup: SubjectSetupView) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ApproveValues>();
  const { alert, finish, modalProps } = useModalSubmit({
    form,
    send: (v: ApproveValues) =>
      call('subjects.approveConsentVersion', {
        studyId,
        version: v.version ?? '',
        versionDate: v.versionDate ?? '',
        approvedDate: v.approvedDate ?? '',
      }),
    onSaved,
    onClose,
  });

  return (
    <Modal
      open={open}
      title={t('subjectsUi.consent.approveTitle')}
      width={600}
      okText={t('subjectsUi.consent.approveOk')}
      {...modalProps}
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('subjectsUi.consent.approveHint')}
      </Typography.Paragraph>
      <FormAlert text={alert} />
      <Form<ApproveValues>
        form={form}
        name="approve-consent"
        layout="vertical"
        preserve={false}
        initialValues={{ approvedDate: today() }}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void finish(v)}
      >
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="version" label={t('subjectsUi.fields.consentVersion')} required>
              <Input maxLength={50} placeholder="2.0" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="versionDate" label={t('subjectsUi.fields.versionDate')} required>
              <DateField />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="approvedDate" label={t('subjectsUi.fields.approvedDate')} required>
              <DateField />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
