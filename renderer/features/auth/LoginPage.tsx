import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError, call } from '../../api/client';
import { useSession } from '../../app/session';
import { applyFieldErrors, clearErrorsOnChange } from '../../components/formErrors';
import { AuthLayout } from './AuthLayout';

export function LoginPage() {
  const { t } = useTranslation();
  const { signedIn } = useSession();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);

  const finish = async (values: { username: string; password: string }) => {
    setBusy(true);
    setAlert(null);
    try {
      signedIn(await call('auth.login', values));
    } catch (err) {
      form.setFieldValue('password', '');
      setAlert(applyFieldErrors(form, asApiError(err), ['username', 'password']));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.loginTitle')} intro={t('auth.loginIntro')}>
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
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
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('auth.loginSubmit')}
          </Button>
        </Form.Item>
      </Form>
    </AuthLayout>
  );
}
