import { LockFilled, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App as AntdApp,
  Button,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableProps,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { roles, type Role, type UserListItem } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { ErrorState } from '../../components/ErrorState';
import { applyFieldErrors, clearErrorsOnChange } from '../../components/formErrors';
import { ReasonModal } from '../../components/ReasonModal';
import { useReasonedSave } from '../../components/useReasonedSave';
import { formatDateTime } from '../../i18n/format';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'assign' | 'reset' | 'active'; user: UserListItem } | null;

const roleColor: Record<Role, string> = { admin: 'red', coordinator: 'blue', investigator: 'green', monitor: 'purple' };

/** The administrator's users screen: accounts, roles, study assignments, lock-outs. The server enforces every rule. */
export function UsersPage() {
  const { t } = useTranslation();
  const users = useApiQuery('users.list', {});
  const studies = useApiQuery('studies.list', { sort: 'protocolNumber', order: 'asc', limit: 1000 });
  const [dialog, setDialog] = useState<Dialog>(null);
  const studyName = new Map((studies.data ?? []).map((s) => [s.id, `${s.protocolNumber} ${s.shortTitle}`]));
  const studyOptions = (studies.data ?? []).map((s) => ({
    value: s.id,
    label: `${s.protocolNumber} · ${s.shortTitle}`,
  }));
  const done = () => {
    setDialog(null);
    users.reload();
  };

  const columns: TableProps<UserListItem>['columns'] = [
    {
      title: t('fields.username'),
      dataIndex: 'username',
      width: 130,
      render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
    },
    { title: t('fields.displayName'), dataIndex: 'displayName', width: 110 },
    {
      title: t('fields.role'),
      dataIndex: 'role',
      width: 110,
      render: (r: Role) => (
        <Tag color={roleColor[r]} variant="filled">
          {t(`user.roles.${r}`)}
        </Tag>
      ),
    },
    {
      title: t('users.active'),
      key: 'state',
      width: 150,
      render: (_, u) => (
        <Space size={4} wrap>
          {u.active ? <Tag color="success">{t('users.isActive')}</Tag> : <Tag>{t('users.inactive')}</Tag>}
          {u.lockedUntil && (
            <Tooltip title={t('users.locked', { time: formatDateTime(u.lockedUntil) })}>
              <Tag color="error" icon={<LockFilled />} data-testid={`locked-${u.username}`}>
                {t('users.locked', { time: formatDateTime(u.lockedUntil).slice(-5) })}
              </Tag>
            </Tooltip>
          )}
          {u.mustChangePassword && <Tag color="warning">{t('users.mustChange')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('users.studies'),
      key: 'studies',
      width: 200,
      render: (_, u) =>
        u.role === 'admin' ? (
          <Typography.Text type="secondary">{t('users.allStudies')}</Typography.Text>
        ) : u.studyIds.length === 0 ? (
          <Typography.Text type="secondary">{t('users.noStudies')}</Typography.Text>
        ) : (
          <Tooltip title={u.studyIds.map((id) => studyName.get(id) ?? `#${id}`).join('；')}>
            <span>
              {u.studyIds
                .slice(0, 2)
                .map((id) => studyName.get(id)?.split(' ')[0] ?? `#${id}`)
                .join('、')}
              {u.studyIds.length > 2 && ` +${u.studyIds.length - 2}`}
            </span>
          </Tooltip>
        ),
    },
    {
      title: t('users.lastLogin'),
      dataIndex: 'lastLoginAt',
      width: 140,
      render: (v: string | null) =>
        v ? formatDateTime(v) : <Typography.Text type="secondary">{t('users.never')}</Typography.Text>,
    },
    { title: t('users.failed'), dataIndex: 'failedLogins', width: 80, align: 'right' },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 290,
      render: (_, u) => (
        <Space size={0} wrap>
          <Button size="small" type="link" onClick={() => setDialog({ kind: 'edit', user: u })}>
            {t('users.edit')}
          </Button>
          {u.role !== 'admin' && (
            <Button size="small" type="link" onClick={() => setDialog({ kind: 'assign', user: u })}>
              {t('users.assign')}
            </Button>
          )}
          <Button size="small" type="link" onClick={() => setDialog({ kind: 'reset', user: u })}>
            {t('users.reset')}
          </Button>
          <Button size="small" type="link" danger={u.active} onClick={() => setDialog({ kind: 'active', user: u })}>
            {u.active ? t('users.deactivate') : t('users.reactivate')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="users-page">
      <div className="td-page-header">
        <div>
          <Typography.Title level={4}>{t('users.title')}</Typography.Title>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('users.intro')}
          </Typography.Text>
        </div>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={users.reload} aria-label={t('common.retry')} />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'create' })}>
            {t('users.create')}
          </Button>
        </Space>
      </div>
      <div className="td-panel">
        {users.error ? (
          <ErrorState error={users.error} onRetry={users.reload} />
        ) : (
          <Table<UserListItem>
            rowKey="id"
            size="small"
            loading={users.loading && !users.data}
            dataSource={users.data}
            columns={columns}
            pagination={false}
            data-testid="users-table"
          />
        )}
      </div>
      {dialog?.kind === 'create' && (
        <CreateUserModal studyOptions={studyOptions} onDone={done} onCancel={() => setDialog(null)} />
      )}
      {dialog?.kind === 'edit' && <EditUserModal user={dialog.user} onDone={done} onCancel={() => setDialog(null)} />}
      {dialog?.kind === 'assign' && (
        <AssignStudiesModal
          user={dialog.user}
          studyOptions={studyOptions}
          onDone={done}
          onCancel={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'reset' && (
        <ResetPasswordModal user={dialog.user} onDone={done} onCancel={() => setDialog(null)} />
      )}
      {dialog?.kind === 'active' && (
        <ReasonModal
          open
          title={t(dialog.user.active ? 'users.deactivateTitle' : 'users.reactivateTitle', {
            name: dialog.user.displayName,
          })}
          description={
            dialog.user.active ? <Alert type="warning" showIcon title={t('users.deactivateIntro')} /> : undefined
          }
          reasonRequired
          okText={dialog.user.active ? t('users.deactivate') : t('users.reactivate')}
          onSubmit={async ({ reason }) => {
            await call('users.setActive', { id: dialog.user.id, active: !dialog.user.active, reason: reason ?? '' });
            done();
          }}
          onCancel={() => setDialog(null)}
        />
      )}
    </div>
  );
}

interface Option {
  value: number;
  label: string;
}

const roleOptions = (t: (k: string) => string) => roles.map((r) => ({ value: r, label: t(`user.roles.${r}`) }));

function CreateUserModal({
  studyOptions,
  onDone,
  onCancel,
}: {
  studyOptions: Option[];
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntdApp.useApp();
  type V = { username: string; displayName: string; role: Role; temporaryPassword: string; studyIds: number[] };
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const role = Form.useWatch('role', form);
  const names = ['username', 'displayName', 'role', 'temporaryPassword', 'studyIds'];

  const finish = async (v: V) => {
    setBusy(true);
    setAlert(null);
    try {
      const u = await call('users.create', { ...v, studyIds: v.role === 'admin' ? [] : (v.studyIds ?? []) });
      void message.success(t('users.created', { username: u.username }));
      onDone();
    } catch (err) {
      setAlert(applyFieldErrors(form, asApiError(err), names));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('users.createTitle')}
      okText={t('common.create')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      destroyOnHidden
      width={560}
    >
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ role: 'coordinator', studyIds: [] }}
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => void finish(v)}
        data-testid="user-form"
      >
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="username" label={t('fields.username')} extra={t('auth.usernameHelp')} style={{ flex: 1 }}>
            <Input autoFocus autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('fields.displayName')} style={{ flex: 1 }}>
            <Input autoComplete="off" />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="role" label={t('fields.role')}>
          <Select options={roleOptions(t)} />
        </Form.Item>
        <Form.Item
          name="temporaryPassword"
          label={t('users.temporaryPassword')}
          extra={t('users.temporaryPasswordHelp')}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="studyIds"
          label={t('users.studies')}
          extra={role === 'admin' ? t('users.studiesHelp') : undefined}
        >
          <Select
            mode="multiple"
            options={studyOptions}
            disabled={role === 'admin'}
            optionFilterProp="label"
            allowClear
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function EditUserModal({ user, onDone, onCancel }: { user: UserListItem; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  type V = { displayName: string; role: Role };
  const [form] = Form.useForm<V>();
  const { busy, alert, submit, reasonModal } = useReasonedSave<V, UserListItem>({
    form,
    fieldNames: ['displayName', 'role'],
    save: (v, reason) => call('users.update', { id: user.id, ...v, reason }),
    onSaved: onDone,
  });
  return (
    <Modal
      open
      title={t('users.editTitle', { name: user.displayName })}
      okText={t('common.save')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      destroyOnHidden
    >
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ displayName: user.displayName, role: user.role }}
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item label={t('fields.username')}>
          <Input value={user.username} disabled />
        </Form.Item>
        <Form.Item name="displayName" label={t('fields.displayName')}>
          <Input autoFocus />
        </Form.Item>
        <Form.Item name="role" label={t('fields.role')}>
          <Select options={roleOptions(t)} />
        </Form.Item>
      </Form>
      {reasonModal}
    </Modal>
  );
}

function AssignStudiesModal({
  user,
  studyOptions,
  onDone,
  onCancel,
}: {
  user: UserListItem;
  studyOptions: Option[];
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  type V = { studyIds: number[]; reason?: string };
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const finish = async (v: V) => {
    setBusy(true);
    try {
      await call('users.assignStudies', { id: user.id, studyIds: v.studyIds ?? [], reason: v.reason?.trim() || null });
      onDone();
    } catch (err) {
      setAlert(applyFieldErrors(form, asApiError(err), ['studyIds', 'reason']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('users.assignTitle', { name: user.displayName })}
      okText={t('common.save')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      destroyOnHidden
      width={560}
    >
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ studyIds: user.studyIds }} onFinish={(v) => void finish(v)}>
        <Form.Item name="studyIds" label={t('users.studies')}>
          <Select mode="multiple" options={studyOptions} optionFilterProp="label" allowClear autoFocus />
        </Form.Item>
        <Form.Item name="reason" label={t('users.optionalReason')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ResetPasswordModal({
  user,
  onDone,
  onCancel,
}: {
  user: UserListItem;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  type V = { temporaryPassword: string; reason?: string };
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const finish = async (v: V) => {
    setBusy(true);
    try {
      await call('users.resetPassword', {
        id: user.id,
        temporaryPassword: v.temporaryPassword ?? '',
        reason: v.reason?.trim() || null,
      });
      onDone();
    } catch (err) {
      setAlert(applyFieldErrors(form, asApiError(err), ['temporaryPassword', 'reason']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('users.resetTitle', { name: user.displayName })}
      okText={t('users.reset')}
      onOk={() => form.submit()}
      onCancel={onCancel}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('users.resetIntro')} style={{ marginBottom: 12 }} />
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onValuesChange={clearErrorsOnChange(form)} onFinish={(v) => void finish(v)}>
        <Form.Item
          name="temporaryPassword"
          label={t('users.temporaryPassword')}
          extra={t('users.temporaryPasswordHelp')}
        >
          <Input.Password autoFocus autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="reason" label={t('users.optionalReason')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
