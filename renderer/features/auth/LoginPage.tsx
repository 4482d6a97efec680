import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError, call } from '../../api/client';
import { useSession } from '../../app/session';
import { applyFieldErrors, clearErrorsOnChange, translateError } from '../../components/formErrors';
import { AuthLayout } from './AuthLayout';

export function LoginPage() {
  const { t } = useTranslation();
  const { signedIn } = useSession();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  // after a failure the server refuses sign-in for a few seconds (it says how many): count down, then allow again
  const [wait, setWait] = useState(0);
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  const finish = async (values: { username: string; password: string }) => {
    setBusy(true);
    setAlert(null);
    try {
      signedIn(await call('auth.login', values));
    } catch (err) {
      form.setFieldValue('password', '');
      const error = asApiError(err);
      const rest = applyFieldErrors(form, error, ['username', 'password']);
      // a lock-out is said above the form (not on the password: no password helps now)
      if (error.messageKey === 'auth.lockedOut') {
        form.setFields([{ name: 'password', errors: [] }]);
        setAlert(translateError(error));
      } else setAlert(rest);
      const seconds = Number(error.params?.seconds ?? 0);
      if (error.messageKey !== 'auth.lockedOut' && seconds > 0) setWait(seconds);
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.loginTitle')} intro={t('auth.loginIntro')}>
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} data-testid="login-alert" />}
      <Form
        form={form}
        layout="vertical"
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => void finish(v)}
        disabled={busy}
      >
        <Form.Item name="username" label={t('fields.username')}>
          <Input prefix={<UserOutlined />} autoFocus autoComplete="username" />
        </Form.Item>
        <Form.Item name="password" label={t('fields.password')}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} disabled={wait > 0}>
            {wait > 0 ? t('account.waitSeconds', { seconds: wait }) : t('auth.loginSubmit')}
          </Button>
        </Form.Item>
      </Form>
    </AuthLayout>
  );
}
