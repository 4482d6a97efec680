/**
 * A study's SUSAR reports from the sponsor (SUSAR 报告): logged by the site, read by the investigator (已阅), and passed
 * to the ethics committee (the date it was submitted; 待递交伦理 until then). A correction says why, for the audit trail.
 */
import { CheckOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Col,
  Form,
  Input,
  Modal,
  Row,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SusarView } from '../../../electron/api/safety';
import { asApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { useSession } from '../../app/session';
import { DateField } from '../../components/DateField';
import { formatDate, formatDateTime } from '../../i18n/format';
import { clearChangedErrors, today } from '../subjects/forms';
import { FormAlert, useModalSubmit } from '../subjects/useModalSubmit';
import { placeAeErrors } from '../aes/forms';
import { safetyError } from './labels';

const wrap = (v: string | null) => <span style={{ whiteSpace: 'pre-wrap' }}>{v ?? ''}</span>;

export function SusarLog({ studyId }: { studyId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const siteRole = user !== null && user.role !== 'monitor';
  const investigator = user?.role === 'investigator';
  const [refresh, setRefresh] = useState(0);
  const q = useApiQuery('susars.list', { studyId }, refresh);
  // the report stays while the dialog closes, so its title does not change under the animation
  const [editing, setEditing] = useState<{ susar: SusarView | null; open: boolean; n: number }>({
    susar: null,
    open: false,
    n: 0,
  });
  const [acknowledging, setAcknowledging] = useState<number | null>(null);

  const acknowledge = async (s: SusarView) => {
    setAcknowledging(s.id);
    try {
      await call('susars.acknowledge', { id: s.id });
      void message.success(t('safetyUi.susars.acknowledgedOk'));
      setRefresh((n) => n + 1);
    } catch (err) {
      void message.error(safetyError(asApiError(err)));
    } finally {
      setAcknowledging(null);
    }
  };

  const columns: TableProps<SusarView>['columns'] = [
    {
      key: 'sponsorReference',
      title: t('safetyUi.susars.sponsorReference'),
      dataIndex: 'sponsorReference',
      width: 150,
      render: (v: string) => <span className="td-mono">{v}</span>,
    },
    {
      key: 'receivedDate',
      title: t('safetyUi.susars.receivedDate'),
      dataIndex: 'receivedDate',
      width: 106,
      render: (v: string) => formatDate(v),
    },
    { key: 'eventTerm', title: t('safetyUi.susars.eventTerm'), dataIndex: 'eventTerm', width: 150, ellipsis: true },
    {
      key: 'reportType',
      title: t('safetyUi.susars.reportType'),
      dataIndex: 'reportType',
      width: 90,
      render: (v: string | null) => v ?? '',
    },
    {
      key: 'fatal',
      title: t('safetyUi.susars.fatalOrLifeThreatening'),
      dataIndex: 'fatalOrLifeThreatening',
      width: 90,
      render: (v: boolean) => (v ? <Tag color="red">{t('common.yes')}</Tag> : t('common.no')),
    },
    {
      key: 'acknowledged',
      title: t('safetyUi.susars.acknowledged'),
      width: 180,
      render: (_: unknown, s) =>
        s.acknowledgedAt ? (
          <span data-testid="susar-acknowledged">
            {t('safetyUi.susars.acknowledgedAt', {
              name: s.acknowledgedBy ?? '',
              time: formatDateTime(s.acknowledgedAt),
            })}
          </span>
        ) : investigator ? (
          <Button
            size="small"
            type="primary"
            icon={<CheckOutlined />}
            loading={acknowledging === s.id}
            onClick={() => void acknowledge(s)}
            data-testid="susar-acknowledge"
          >
            {t('safetyUi.susars.acknowledge')}
          </Button>
        ) : (
          <Typography.Text type="secondary">{t('safetyUi.susars.notAcknowledged')}</Typography.Text>
        ),
    },
    {
      key: 'ethicsSubmittedDate',
      title: t('safetyUi.susars.ethicsSubmittedDate'),
      dataIndex: 'ethicsSubmittedDate',
      width: 120,
      render: (v: string | null) =>
        v ? (
          formatDate(v)
        ) : (
          <Tag color="orange" data-testid="susar-pending-ethics">
            {t('safetyUi.susars.pendingEthics')}
          </Tag>
        ),
    },
    { key: 'notes', title: t('safetyUi.susars.notes'), dataIndex: 'notes', render: wrap },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 80,
      hidden: !siteRole,
      render: (_: unknown, s) => (
        <Button
          size="small"
          icon={<EditOutlined />}
          onClick={() => setEditing((e) => ({ susar: s, open: true, n: e.n + 1 }))}
          aria-label={`${t('common.edit')} ${s.sponsorReference}`}
        >
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="susar-log">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('safetyUi.susars.intro')}
      </Typography.Paragraph>
      {siteRole && (
        <div className="td-toolbar">
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing((e) => ({ susar: null, open: true, n: e.n + 1 }))}
          >
            {t('safetyUi.susars.add')}
          </Button>
        </div>
      )}
      {q.error && <Alert type="error" showIcon title={safetyError(q.error)} style={{ marginBottom: 12 }} />}
      <Table<SusarView>
        data-testid="susar-table"
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={q.data}
        loading={q.loading && !q.data}
        pagination={false}
        scroll={{ x: 1080 }}
        locale={{ emptyText: t('safetyUi.susars.empty') }}
      />
      <SusarModal
        key={editing.n}
        studyId={studyId}
        open={editing.open}
        susar={editing.susar}
        onClose={() => setEditing((e) => ({ ...e, open: false }))}
        onSaved={(s) => {
          void message.success(
            editing.susar
              ? t('safetyUi.susars.saved')
              : t('safetyUi.susars.created', { reference: s.sponsorReference }),
          );
          setEditing((e) => ({ ...e, open: false }));
          setRefresh((n) => n + 1);
        }}
      />
    </div>
  );
}

interface SusarValues {
  sponsorReference?: string;
  receivedDate: string | null;
  eventTerm?: string;
  reportType?: string | null;
  fatalOrLifeThreatening: boolean;
  ethicsSubmittedDate?: string | null;
  notes?: string | null;
  changeReason?: string;
}

function SusarModal({
  studyId,
  open,
  susar,
  onClose,
  onSaved,
}: {
  studyId: number;
  open: boolean;
  susar: SusarView | null;
  onClose: () => void;
  onSaved: (s: SusarView) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SusarValues>();
  const { alert, finish, modalProps } = useModalSubmit({
    form,
    place: placeAeErrors,
    send: (v: SusarValues) => {
      const fields = {
        sponsorReference: v.sponsorReference ?? '',
        receivedDate: v.receivedDate ?? '',
        eventTerm: v.eventTerm ?? '',
        reportType: v.reportType ?? null,
        fatalOrLifeThreatening: v.fatalOrLifeThreatening,
        ethicsSubmittedDate: v.ethicsSubmittedDate ?? null,
        notes: v.notes ?? null,
      };
      return susar
        ? call('susars.update', { id: susar.id, fields, changeReason: v.changeReason ?? '' })
        : call('susars.create', { studyId, fields });
    },
    onSaved,
    onClose,
  });

  const initial: SusarValues = susar
    ? {
        sponsorReference: susar.sponsorReference,
        receivedDate: susar.receivedDate,
        eventTerm: susar.eventTerm,
        reportType: susar.reportType,
        fatalOrLifeThreatening: susar.fatalOrLifeThreatening,
        ethicsSubmittedDate: susar.ethicsSubmittedDate,
        notes: susar.notes,
      }
    : { receivedDate: today(), fatalOrLifeThreatening: false, ethicsSubmittedDate: null };

  return (
    <Modal
      open={open}
      width={640}
      title={
        susar ? t('safetyUi.susars.editTitle', { reference: susar.sponsorReference }) : t('safetyUi.susars.createTitle')
      }
      okText={t('common.save')}
      {...modalProps}
    >
      <FormAlert text={alert} testId="susar-alert" />
      <Form<SusarValues>
        form={form}
        name="susar"
        layout="vertical"
        preserve={false}
        initialValues={initial}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void finish(v)}
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="sponsorReference" label={t('safetyUi.susars.sponsorReference')} required>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="receivedDate" label={t('safetyUi.susars.receivedDate')} required>
              <DateField />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="eventTerm" label={t('safetyUi.susars.eventTerm')} required>
          <Input maxLength={200} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="reportType" label={t('safetyUi.susars.reportType')}>
              <Input maxLength={100} placeholder={t('safetyUi.susars.reportTypePlaceholder')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="ethicsSubmittedDate" label={t('safetyUi.susars.ethicsSubmittedDate')}>
              <DateField />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="fatalOrLifeThreatening" valuePropName="checked">
          <Checkbox>{t('safetyUi.susars.fatalOrLifeThreatening')}</Checkbox>
        </Form.Item>
        <Form.Item name="notes" label={t('safetyUi.susars.notes')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        {susar && (
          <Form.Item name="changeReason" label={t('safetyUi.susars.changeReason')} required>
            <Input.TextArea
              rows={2}
              maxLength={500}
              showCount
              placeholder={t('safetyUi.susars.changeReasonPlaceholder')}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
