/**
 * System settings (administrators): the installation's settings, and backup & restore — the backups in the backup
 * folder, "back up now" (optionally to another folder, e.g. a USB drive), and restore from a listed or typed file after a
 * typed confirmation. After a restore everyone is signed out: this window goes back to the sign-in page.
 */
import { CloudDownloadOutlined, ReloadOutlined, RollbackOutlined, SaveOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupFileView, InputOf, SettingsView } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { useSession } from '../../app/session';
import { ErrorState } from '../../components/ErrorState';
import { applyFieldErrors, clearErrorsOnChange, translateError } from '../../components/formErrors';
import { formatDateTime } from '../../i18n/format';
import { CtcaeCard } from './CtcaeCard';
import { HolidaysCard } from './HolidaysCard';

type SettingsForm = InputOf<'settings.update'>;
const FIELDS = [
  'siteName',
  'ownCenterCode',
  'idleLockMinutes',
  'backupFolder',
  'retainDaily',
  'retainMonthly',
  'locale',
] as const;

const KIND_COLOR: Record<BackupFileView['kind'], string> = {
  daily: 'blue',
  monthly: 'geekblue',
  manual: 'green',
  'pre-restore': 'orange',
  'pre-migrate': 'purple',
};

const size = (bytes: number) =>
  bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

export function SettingsPage() {
  const { t } = useTranslation();
  const settings = useApiQuery('settings.get', {});
  return (
    <div className="td-settings">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('settings.title')}
      </Typography.Title>
      {settings.error ? (
        <ErrorState error={settings.error} onRetry={settings.reload} />
      ) : (
        settings.data && <SettingsCard initial={settings.data} onSaved={settings.reload} />
      )}
      <HolidaysCard />
      <CtcaeCard />
      <BackupCard />
    </div>
  );
}

function SettingsCard({ initial, onSaved }: { initial: SettingsView; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<SettingsForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    form.setFieldsValue({ ...initial, backupFolder: initial.backupFolder ?? '' });
  }, [form, initial]);

  const save = async (values: SettingsForm) => {
    setSaving(true);
    setError(null);
    try {
      await call('settings.update', { ...values, backupFolder: values.backupFolder || null });
      void message.success(t('settings.saved'));
      onSaved();
    } catch (err) {
      setError(applyFieldErrors(form, asApiError(err), FIELDS));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card title={t('settings.general')} size="small" style={{ marginBottom: 16 }}>
      <Form
        form={form}
        layout="horizontal"
        labelCol={{ flex: '200px' }}
        wrapperCol={{ flex: 'auto' }}
        style={{ maxWidth: 760 }}
        onFinish={(v) => void save(v)}
        onValuesChange={clearErrorsOnChange(form)}
        data-testid="settings-form"
      >
        <Form.Item name="siteName" label={t('settings.siteName')} extra={t('settings.siteNameHint')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="ownCenterCode" label={t('settings.ownCenterCode')} extra={t('settings.ownCenterCodeHint')}>
          <Input maxLength={10} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="idleLockMinutes" label={t('settings.idleLockMinutes')}>
          <InputNumber min={1} max={120} precision={0} addonAfter={t('settings.minutes')} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          name="backupFolder"
          label={t('settings.backupFolder')}
          extra={t('settings.backupFolderHint', { folder: initial.defaultBackupFolder })}
        >
          <Input placeholder={initial.defaultBackupFolder} className="td-mono" />
        </Form.Item>
        <Form.Item label={t('settings.retainDaily')} style={{ marginBottom: 0 }}>
          <Space size={24}>
            <Form.Item name="retainDaily">
              <InputNumber min={1} max={365} precision={0} addonAfter={t('settings.copies')} style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="retainMonthly" label={t('settings.retainMonthly')}>
              <InputNumber min={0} max={120} precision={0} addonAfter={t('settings.copies')} style={{ width: 140 }} />
            </Form.Item>
          </Space>
        </Form.Item>
        <Form.Item name="locale" label={t('settings.locale')}>
          <Select
            style={{ width: 160 }}
            options={[
              { value: 'zh-CN', label: t('lang.zh-CN') },
              { value: 'en', label: t('lang.en') },
            ]}
          />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form.Item wrapperCol={{ offset: 0 }} style={{ marginBottom: 0, paddingLeft: 200 }}>
          <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={saving}>
            {t('settings.save')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}

function BackupCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { signOut } = useSession();
  const list = useApiQuery('backup.list', {});
  const [folder, setFolder] = useState('');
  const [typedPath, setTypedPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ type: 'success' | 'warning' | 'error'; text: string } | null>(null);
  const [target, setTarget] = useState<string | null>(null);

  const backupNow = async () => {
    setBusy(true);
    setResult(null);
    try {
      const r = await call('backup.now', { folder: folder.trim() || null });
      const failed = r.checks.find((c) => !c.ok);
      setResult(
        failed
          ? { type: 'warning', text: t('backup.doneWithProblem', { detail: `${failed.name}: ${failed.detail}` }) }
          : { type: 'success', text: t('backup.done', { path: r.path }) },
      );
      list.reload();
    } catch (err) {
      setResult({ type: 'error', text: translateError(asApiError(err)) });
    } finally {
      setBusy(false);
    }
  };

  const columns: TableProps<BackupFileView>['columns'] = [
    {
      key: 'at',
      title: t('backup.time'),
      dataIndex: 'at',
      width: 170,
      render: (v: string) => formatDateTime(v, true),
    },
    {
      key: 'kind',
      title: t('backup.kind'),
      dataIndex: 'kind',
      width: 110,
      render: (k: BackupFileView['kind']) => (
        <Tag color={KIND_COLOR[k]} variant="filled">
          {t(`backup.kinds.${k}`)}
        </Tag>
      ),
    },
    { key: 'bytes', title: t('backup.size'), dataIndex: 'bytes', width: 100, align: 'right', render: size },
    {
      key: 'name',
      title: t('backup.file'),
      dataIndex: 'name',
      ellipsis: true,
      render: (v: string) => <span className="td-mono">{v}</span>,
    },
    {
      key: 'restore',
      title: '',
      width: 96,
      render: (_: unknown, f) => (
        <Button size="small" icon={<RollbackOutlined />} onClick={() => setTarget(f.path)} danger>
          {t('backup.restore')}
        </Button>
      ),
    },
  ];

  return (
    <Card
      title={t('backup.title')}
      size="small"
      extra={
        <Button size="small" type="text" icon={<ReloadOutlined />} onClick={list.reload}>
          {t('backup.refresh')}
        </Button>
      }
      data-testid="backup-card"
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        {t('backup.intro', { folder: list.data?.folder ?? '…' })}
      </Typography.Paragraph>
      <Space.Compact style={{ width: '100%', maxWidth: 760, marginBottom: 12 }}>
        <Input
          value={folder}
          onChange={(e) => setFolder(e.target.value)}
          placeholder={`${t('backup.nowFolder')} — ${t('backup.nowFolderHint')}`}
          aria-label={t('backup.nowFolder')}
          className="td-mono"
        />
        <Button type="primary" icon={<CloudDownloadOutlined />} loading={busy} onClick={() => void backupNow()}>
          {t('backup.now')}
        </Button>
      </Space.Compact>
      {result && (
        <Alert
          type={result.type}
          showIcon
          message={result.text}
          closable
          onClose={() => setResult(null)}
          style={{ marginBottom: 12 }}
          data-testid="backup-result"
        />
      )}
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : (
        <Table
          size="small"
          rowKey="path"
          columns={columns}
          dataSource={list.data?.files ?? []}
          loading={list.loading}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: t('backup.empty') }}
          data-testid="backup-list"
        />
      )}
      <Space.Compact style={{ width: '100%', maxWidth: 760, marginTop: 12 }}>
        <Input
          value={typedPath}
          onChange={(e) => setTypedPath(e.target.value)}
          placeholder={t('backup.restorePathPlaceholder')}
          aria-label={t('backup.restorePath')}
          addonBefore={t('backup.restorePath')}
          className="td-mono"
        />
        <Button
          danger
          icon={<RollbackOutlined />}
          disabled={!typedPath.trim()}
          onClick={() => setTarget(typedPath.trim())}
        >
          {t('backup.restore')}
        </Button>
      </Space.Compact>
      {target && (
        <RestoreModal
          file={target}
          onCancel={() => setTarget(null)}
          onRestored={(text) => {
            setTarget(null);
            void message.success({ content: text, duration: 12 });
            void signOut();
          }}
        />
      )}
    </Card>
  );
}

function RestoreModal({
  file,
  onCancel,
  onRestored,
}: {
  file: string;
  onCancel: () => void;
  onRestored: (text: string) => void;
}) {
  const { t } = useTranslation();
  const [word, setWord] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const expected = t('backup.word');

  const restore = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('backup.restore', { path: file });
      onRestored(t('backup.restored', { file: r.restoredFrom, kept: r.keptAside }));
    } catch (err) {
      setError(translateError(asApiError(err)));
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('backup.confirmTitle')}
      onCancel={onCancel}
      okText={t('backup.confirm')}
      okButtonProps={{ danger: true, disabled: word.trim() !== expected, loading: busy }}
      onOk={() => void restore()}
      maskClosable={false}
      width={560}
      data-testid="restore-modal"
    >
      <Typography.Paragraph>
        {t('backup.confirmIntro')}
        <br />
        <Typography.Text
          className="td-mono"
          style={{ display: 'block', overflowWrap: 'anywhere', marginTop: 4 }}
          strong
        >
          {file}
        </Typography.Text>
      </Typography.Paragraph>
      <Alert type="info" showIcon message={t('backup.confirmKept')} style={{ marginBottom: 8 }} />
      <Typography.Paragraph type="secondary">{t('backup.confirmSignOut')}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t('backup.confirmWord', { word: expected })} style={{ marginBottom: 8 }}>
          <Input value={word} onChange={(e) => setWord(e.target.value)} autoFocus data-testid="restore-word" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} data-testid="restore-error" />}
    </Modal>
  );
}
