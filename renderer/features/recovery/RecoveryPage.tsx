/**
 * Recovery mode: the database was found damaged at start-up. The host has opened it read-only and answers nothing but
 * this screen: what was found, the backups (each checked as a restore checks it, the latest good one chosen), and a
 * restore authorised by an administrator of the chosen backup. Afterwards the app starts again at the sign-in page.
 */
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Result, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, RecoveryView, RestoreView } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { ErrorState } from '../../components/ErrorState';
import { applyFieldErrors, clearErrorsOnChange, translateError } from '../../components/formErrors';
import { formatDateTime } from '../../i18n/format';
import { AuthLayout } from '../auth/AuthLayout';

type Backup = RecoveryView['backups'][number];
const fileName = (p: string) => p.split(/[\\/]/).pop() ?? p;
/** 'backup.damaged: integrity_check …' → the translated key; the detail stays in the tooltip */
const problemKey = (problem: string) => `msg.${problem.split(':')[0]}`;

export function RecoveryPage() {
  const { t } = useTranslation();
  const [view, setView] = useState<RecoveryView>();
  const [loadError, setLoadError] = useState<ApiError>();
  const [chosen, setChosen] = useState<string>();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const [done, setDone] = useState<RestoreView>();

  useEffect(() => {
    call('recovery.status', {}).then(
      (v) => {
        setView(v);
        setChosen(v.backups.find((b) => b.ok)?.path);
      },
      (err: unknown) => setLoadError(asApiError(err)),
    );
  }, []);

  const restore = async (values: { username: string; password: string }) => {
    if (!chosen) return;
    setBusy(true);
    setAlert(null);
    try {
      setDone(await call('recovery.restore', { path: chosen, ...values }));
    } catch (err) {
      const error = asApiError(err);
      form.setFieldValue('password', '');
      // a lock-out is said above the form (no password helps now); a wrong password on its field
      setAlert(
        error.messageKey === 'auth.lockedOut'
          ? translateError(error)
          : applyFieldErrors(form, error, ['username', 'password']) || null,
      );
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <AuthLayout title={t('recovery.title')} intro="" width={720}>
        <Result
          status="success"
          title={t('recovery.restored')}
          subTitle={t('backup.restored', { file: done.restoredFrom, kept: done.keptAside })}
          extra={
            <Button type="primary" onClick={() => window.location.reload()} data-testid="recovery-continue">
              {t('recovery.toSignIn')}
            </Button>
          }
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t('recovery.title')} intro={t('recovery.intro')} width={760}>
      {loadError && <ErrorState error={loadError} />}
      {view && (
        <Space direction="vertical" size="middle" style={{ width: '100%', paddingBottom: 16 }}>
          <Alert
            type="error"
            showIcon
            title={t('recovery.problem')}
            description={
              <>
                <div data-testid="recovery-problem">{view.problem}</div>
                <Typography.Text type="secondary">{t('recovery.file', { file: view.file })}</Typography.Text>
              </>
            }
          />
          <Table<Backup>
            size="small"
            rowKey="path"
            pagination={false}
            scroll={{ y: 240 }}
            dataSource={view.backups}
            locale={{ emptyText: t('recovery.noBackups', { folders: view.folders.join('、') }) }}
            rowSelection={{
              type: 'radio',
              selectedRowKeys: chosen ? [chosen] : [],
              onChange: (keys) => setChosen(String(keys[0])),
              getCheckboxProps: (b) => ({ disabled: !b.ok, 'aria-label': fileName(b.path) }),
            }}
            columns={[
              { title: t('backup.time'), dataIndex: 'at', width: 170, render: (at: string) => formatDateTime(at) },
              {
                title: t('backup.file'),
                dataIndex: 'path',
                ellipsis: true,
                render: (p: string) => <span title={p}>{fileName(p)}</span>,
              },
              {
                title: t('recovery.check'),
                width: 220,
                render: (_: unknown, b) =>
                  b.ok ? (
                    <Tag color="green">{t('recovery.good')}</Tag>
                  ) : (
                    <Tag
                      color="red"
                      title={`${t(problemKey(b.problem ?? ''), { seq: '?', detail: '' })}\n${b.problem ?? ''}`}
                    >
                      {t('recovery.bad')}
                    </Tag>
                  ),
              },
            ]}
            data-testid="recovery-backups"
          />
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {t('recovery.authorise')}
          </Typography.Paragraph>
          {alert && <Alert type="error" showIcon title={alert} data-testid="recovery-alert" />}
          <Form
            form={form}
            layout="inline"
            onValuesChange={clearErrorsOnChange(form)}
            onFinish={(v) => void restore(v)}
            disabled={busy || !chosen}
          >
            <Form.Item name="username" rules={[{ required: true, message: t('msg.validation.required') }]}>
              <Input prefix={<UserOutlined />} placeholder={t('fields.username')} autoComplete="username" />
            </Form.Item>
            <Form.Item name="password" rules={[{ required: true, message: t('msg.validation.required') }]}>
              <Input.Password
                prefix={<LockOutlined />}
                placeholder={t('fields.password')}
                autoComplete="current-password"
              />
            </Form.Item>
            <Form.Item>
              <Button type="primary" danger htmlType="submit" loading={busy} data-testid="recovery-restore">
                {t('recovery.restore')}
              </Button>
            </Form.Item>
          </Form>
        </Space>
      )}
    </AuthLayout>
  );
}
