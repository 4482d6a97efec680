import { LockOutlined } from '@ant-design/icons';
import { Alert, App as AntdApp, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../electron/api';
import { asApiError, call } from '../../api/client';
import { useSession } from '../../app/session';
import { applyFieldErrors, clearErrorsOnChange } from '../../components/formErrors';
import { AuthLayout } from './AuthLayout';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** The signed-in user's own password change; the rules (length, not the user name) are the server's. */
function ChangePasswordForm({
  onChanged,
  submitBlock,
}: {
  onChanged: (u: SessionUser) => void;
  submitBlock?: boolean;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const finish = async (v: Values) => {
    if (v.newPassword !== v.confirm) {
      form.setFields([{ name: 'confirm', errors: [t('auth.passwordMismatch')] }]);
      return;
    }
    setBusy(true);
    setAlert(null);
    try {
      onChanged(
        await call('auth.changePassword', {
          currentPassword: v.currentPassword ?? '',
          newPassword: v.newPassword ?? '',
        }),
      );
    } catch (err) {
      setAlert(applyFieldErrors(form, asApiError(err), ['currentPassword', 'newPassword']));
      setBusy(false);
    }
  };
  return (
    <Form
      form={form}
      layout="vertical"
      onValuesChange={clearErrorsOnChange(form)}
      onFinish={(v) => void finish(v)}
      disabled={busy}
      data-testid="change-password-form"
    >
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 12 }} />}
      <Form.Item name="currentPassword" label={t('account.currentPassword')}>
        <Input.Password prefix={<LockOutlined />} autoFocus autoComplete="current-password" />
      </Form.Item>
      <Form.Item name="newPassword" label={t('account.newPassword')} extra={t('auth.passwordHelp')}>
        <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="confirm" label={t('account.confirmPassword')}>
        <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit" block={submitBlock} loading={busy}>
          {t('account.submit')}
        </Button>
      </Form.Item>
    </Form>
  );
}

/** After signing in with a temporary password: nothing else until it is changed (the server refuses other calls). */
export function MustChangePasswordPage() {
  const { t } = useTranslation();
  const { message } = AntdApp.useApp();
  const { signedIn, signOut } = useSession();
  return (
    <AuthLayout title={t('account.mustChangeTitle')} intro={t('account.mustChangeIntro')}>
      <ChangePasswordForm
        submitBlock
        onChanged={(u) => {
          void message.success(t('account.changed'));
          signedIn(u);
        }}
      />
      <Button type="link" block onClick={() => void signOut()} style={{ marginBottom: 12 }}>
        {t('user.logout')}
      </Button>
    </AuthLayout>
  );
}

/** "Change password" from the user menu. */
export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntdApp.useApp();
  const { signedIn } = useSession();
  return (
    <Modal open={open} title={t('account.changePassword')} footer={null} onCancel={onClose} destroyOnHidden width={420}>
      <ChangePasswordForm
        onChanged={(u) => {
          void message.success(t('account.changed'));
          signedIn(u);
          onClose();
        }}
      />
    </Modal>
  );
}
