/**
 * The investigator's sign-off queue (待签署): AEs without a valid "AE assessed" signature — never signed, or signed and
 * changed since (签名已失效). Investigators tick several and sign them with one password entry; each AE still gets a
 * signature of its own. AEs whose causality or expectedness is missing cannot be signed yet. Others see the queue
 * read-only.
 */
import { EditOutlined, WarningFilled } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Form,
  Input,
  Modal,
  Skeleton,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type GetRef,
  type TableProps,
} from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { SignOffRow } from '../../../electron/api/safety';
import { asApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { useSession } from '../../app/session';
import { focusFirstField } from '../../components/focus';
import { formatDate } from '../../i18n/format';
import { SeverityTag, SusarTag } from '../aes/AeTags';
import { placeAeErrors } from '../aes/forms';
import { clearChangedErrors } from '../subjects/forms';
import { aeNumberText, causalityText, expectedText, safetyError, subjectAesPath } from './labels';

export function SignOffQueue({ studyId }: { studyId: number | undefined }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const investigator = user?.role === 'investigator';
  const [refresh, setRefresh] = useState(0);
  const q = useApiQuery('aes.signOffQueue', { studyId: studyId ?? null, limit: 200 }, refresh);
  const [selected, setSelected] = useState<number[]>([]);
  const [signing, setSigning] = useState(false);

  if (!q.data) {
    return q.error ? (
      <Alert type="error" showIcon title={safetyError(q.error)} />
    ) : (
      <Skeleton active paragraph={{ rows: 6 }} />
    );
  }
  const rows = q.data;
  // a selection of rows that left the queue (signed elsewhere) does not count
  const chosen = rows.filter((r) => selected.includes(r.id) && r.assessable);

  const columns: TableProps<SignOffRow>['columns'] = [
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
      width: 104,
      render: (_: unknown, r) => (
        <SubjectAe studyId={r.studyId} subjectId={r.subjectId} label={r.subjectLabel} aeNumber={r.aeNumber} />
      ),
    },
    {
      key: 'term',
      title: t('safetyUi.fields.term'),
      width: 200,
      ellipsis: { showTitle: false },
      render: (_: unknown, r) => <AeTerm verbatim={r.verbatimTerm} ctcae={r.ctcaeTerm} />,
    },
    {
      key: 'grade',
      title: t('safetyUi.fields.grade'),
      width: 64,
      render: (_: unknown, r) => <SeverityTag scale={null} grade={r.grade} severity={r.severity} />,
    },
    {
      key: 'serious',
      title: t('safetyUi.fields.serious'),
      width: 124,
      render: (_: unknown, r) => (
        <Space size={4}>
          {r.serious ? <Tag color="red">SAE</Tag> : t('common.no')}
          {r.susar && <SusarTag />}
        </Space>
      ),
    },
    {
      key: 'causality',
      title: t('safetyUi.fields.causality'),
      width: 100,
      render: (_: unknown, r) => causalityText(r.causality),
    },
    {
      key: 'expected',
      title: t('safetyUi.fields.expected'),
      width: 72,
      // not yet assessed: empty (the status column says why)
      render: (_: unknown, r) => (r.expected === null ? '' : expectedText(r.expected)),
    },
    {
      key: 'startDate',
      title: t('safetyUi.fields.startDate'),
      dataIndex: 'startDate',
      width: 100,
      render: (v: string) => formatDate(v),
    },
    {
      key: 'status',
      title: t('safetyUi.fields.signature'),
      width: 124,
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          {r.invalidated && (
            <Tooltip title={t('safetyUi.signOff.invalidatedHint')}>
              <Tag color="error" icon={<WarningFilled />} data-testid="signoff-invalidated">
                {t('safetyUi.signOff.invalidated')}
              </Tag>
            </Tooltip>
          )}
          {!r.assessable && (
            <Tooltip title={t('safetyUi.signOff.notAssessableHint')}>
              <Tag color="default" data-testid="signoff-not-assessable">
                {t('safetyUi.signOff.notAssessable')}
              </Tag>
            </Tooltip>
          )}
          {r.assessable && !r.invalidated && <Tag>{t('safetyUi.unsigned')}</Tag>}
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="signoff-queue">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('safetyUi.signOff.intro')}
      </Typography.Paragraph>
      <div className="td-toolbar">
        {investigator ? (
          <>
            <Button
              type="primary"
              icon={<EditOutlined />}
              disabled={chosen.length === 0}
              onClick={() => setSigning(true)}
              data-testid="signoff-sign"
            >
              {t('safetyUi.signOff.batchSign')}
              {chosen.length > 0 && ` (${chosen.length})`}
            </Button>
            <Typography.Text type="secondary" data-testid="signoff-selected">
              {t('safetyUi.signOff.selected', { count: chosen.length })}
            </Typography.Text>
          </>
        ) : (
          <Alert type="info" showIcon title={t('safetyUi.signOff.onlyInvestigators')} style={{ padding: '4px 12px' }} />
        )}
        <Typography.Text type="secondary" style={{ marginInlineStart: 'auto' }} data-testid="signoff-total">
          {t('safetyUi.signOff.total', { count: rows.length })}
        </Typography.Text>
      </div>
      {q.error && <Alert type="error" showIcon title={safetyError(q.error)} style={{ marginBottom: 12 }} />}
      <Table<SignOffRow>
        data-testid="signoff-table"
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 1060 }}
        locale={{ emptyText: t('safetyUi.signOff.empty') }}
        rowSelection={
          investigator
            ? {
                selectedRowKeys: chosen.map((r) => r.id),
                onChange: (keys) => setSelected(keys.map(Number)),
                getCheckboxProps: (r) => ({
                  disabled: !r.assessable,
                  title: r.assessable ? undefined : t('safetyUi.signOff.notAssessableHint'),
                }),
              }
            : undefined
        }
      />
      <BatchSignModal
        open={signing}
        rows={chosen}
        onCancel={() => setSigning(false)}
        onSigned={(count) => {
          setSigning(false);
          setSelected([]);
          void message.success(t('safetyUi.signOff.signedCount', { count }));
          setRefresh((n) => n + 1);
        }}
      />
    </div>
  );
}

/** The subject's number (a link to its AE tab) and the AE's number under it. */
export function SubjectAe({
  studyId,
  subjectId,
  label,
  aeNumber,
}: {
  studyId: number;
  subjectId: number;
  label: string;
  aeNumber: number;
}) {
  return (
    <>
      <Link to={subjectAesPath(studyId, subjectId)} className="td-mono" onClick={(e) => e.stopPropagation()}>
        {label}
      </Link>
      <div className="td-mono" style={{ fontSize: 12 }}>
        {aeNumberText(aeNumber)}
      </div>
    </>
  );
}

/** The verbatim term, with the CTCAE term under it when one is chosen and differs. */
export function AeTerm({ verbatim, ctcae }: { verbatim: string; ctcae: string | null }) {
  return (
    <Tooltip title={ctcae && ctcae !== verbatim ? `${verbatim} · ${ctcae}` : verbatim}>
      <span>
        {verbatim}
        {ctcae && ctcae !== verbatim && (
          <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
            {ctcae}
          </Typography.Text>
        )}
      </span>
    </Tooltip>
  );
}

/** One password entry for the chosen AEs; a wrong password is refused on the field and nothing is signed. */
function BatchSignModal({
  open,
  rows,
  onCancel,
  onSigned,
}: {
  open: boolean;
  rows: SignOffRow[];
  onCancel: () => void;
  onSigned: (count: number) => void;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [form] = Form.useForm<{ password?: string }>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const passwordRef = useRef<GetRef<typeof Input.Password>>(null);
  const meaning = t('safetyUi.signOff.meaning');

  const finish = async (values: { password?: string }) => {
    setBusy(true);
    setAlert(null);
    try {
      const r = await call('aes.sign', { ids: rows.map((row) => row.id), password: values.password ?? '' });
      onSigned(r.signed);
    } catch (err) {
      setAlert(placeAeErrors(form, asApiError(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('safetyUi.signOff.modalTitle')}
      okText={t('signatures.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onCancel}
      destroyOnHidden
      width={620}
      afterOpenChange={(visible) => {
        if (visible) focusFirstField(passwordRef.current);
      }}
      afterClose={() => setAlert(null)}
      data-testid="batch-sign-modal"
    >
      <Descriptions
        size="small"
        column={1}
        style={{ marginBottom: 12 }}
        items={[
          { key: 'meaning', label: t('signatures.meaning'), children: meaning },
          {
            key: 'signer',
            label: t('signatures.signer'),
            children: user ? `${user.displayName} (${user.username})` : '',
          },
        ]}
      />
      <Alert
        type="info"
        title={t('safetyUi.signOff.statement', { count: rows.length })}
        style={{ marginBottom: 12 }}
        data-testid="sign-statement"
      />
      <ul style={{ maxHeight: 180, overflow: 'auto', margin: '0 0 16px', paddingInlineStart: 20 }}>
        {rows.map((r) => (
          <li key={r.id}>
            <span className="td-mono">{r.subjectLabel}</span> ·{' '}
            <span className="td-mono">{aeNumberText(r.aeNumber)}</span> {r.verbatimTerm}
          </li>
        ))}
      </ul>
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void finish(v)}
      >
        <Form.Item
          name="password"
          label={t('signatures.password')}
          extra={t('signatures.passwordHint')}
          required
          rules={[{ required: true, message: t('msg.validation.required') }]}
        >
          <Input.Password ref={passwordRef} autoComplete="current-password" maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
