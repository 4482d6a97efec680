import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError, call } from '../../api/client';
import { useSession } from '../../app/session';
import { applyFieldErrors, clearErrorsOnChange } from '../../components/formErrors';
import { AuthLayout } from './AuthLayout';

interface SetupValues {
  username: string;
  displayName: string;
  password: string;
  confirm: string;
}

/** First start: create the administrator (the server checks the password rules too), which also signs in. */
export function SetupPage() {
  const { t } = useTranslation();
  const { signedIn } = useSession();
  const [form] = Form.useForm<SetupValues>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);

  const finish = async ({ username, displayName, password }: SetupValues) => {
    setBusy(true);
    setAlert(null);
    try {
      signedIn(await call('auth.setup', { username, displayName, password }));
    } catch (err) {
      setAlert(applyFieldErrors(form, asApiError(err), ['username', 'displayName', 'password']));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title={t('auth.setupTitle')} intro={t('auth.setupIntro')}>
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        requiredMark
        onValuesChange={clearErrorsOnChange(form)}
        onFinish={(v) => void finish(v)}
        disabled={busy}
      >
        <Form.Item name="username" label={t('fields.username')} extra={t('auth.usernameHelp')} required>
          <Input autoFocus autoComplete="username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('fields.displayName')} required>
          <Input autoComplete="name" />
        </Form.Item>
        <Form.Item name="password" label={t('fields.password')} extra={t('auth.passwordHelp')} required>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('auth.confirmPassword')}
          dependencies={['password']}
          required
          rules={[
            ({ getFieldValue }) => ({
              // the one check that is the screen's own: the two entries match
              validator: (_, value) =>
                value === getFieldValue('password')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('auth.passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('auth.setupSubmit')}
          </Button>
        </Form.Item>
      </Form>
    </AuthLayout>
  );
}
