/**
 * One electronic signature on a record (21 CFR Part 11 style): printed name, local date/time and meaning; shown as
 * invalidated in red when the signed content has changed since. Investigators get a "Sign" button that re-asks the
 * password in a modal. Generic: the record kind, meaning and statement come from the caller; the rules live in
 * core/signatures.
 */
import { CheckCircleFilled, EditOutlined, WarningFilled } from '@ant-design/icons';
import { Alert, Button, Descriptions, Form, Input, Modal, Space, Tooltip, Typography, type GetRef } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InputOf, SignatureView } from '../../electron/api';
import { asApiError, call } from '../api/client';
import { useSession } from '../app/session';
import { formatDateTime } from '../i18n/format';
import { applyFieldErrors, clearErrorsOnChange } from './formErrors';
import { focusFirstField } from './focus';

type SignInput = InputOf<'signatures.sign'>;

export interface SignaturePanelProps {
  entity: SignInput['entity'];
  entityId: number;
  meaning: SignInput['meaning'];
  /** the latest signature of this meaning on the record, or null */
  signature: SignatureView | null;
  /** values for the statement text of this meaning (signatures.statements.<meaning>) */
  statementParams: Record<string, string>;
  /** why signing is not possible now (e.g. no protocol version), shown instead of the button */
  cannotSign?: string | null;
  /**
   * the meaning's name and the statement signed, when they are not under signatures.meanings / signatures.statements
   * (an area keeping its strings in its own file, e.g. subjects)
   */
  texts?: { meaning: string; statement: string };
  onSigned: (signature: SignatureView) => void;
}

export function SignaturePanel({
  entity,
  entityId,
  meaning,
  signature,
  statementParams,
  cannotSign,
  texts,
  onSigned,
}: SignaturePanelProps) {
  const { t } = useTranslation();
  const meaningLabel = texts?.meaning ?? t(`signatures.meanings.${meaning}`);
  const { user } = useSession();
  const [signing, setSigning] = useState(false);
  const canSign = user?.role === 'investigator';
  const invalid = signature !== null && !signature.valid;

  const button = canSign && (
    <Button
      type={signature && !invalid ? 'default' : 'primary'}
      danger={invalid}
      icon={<EditOutlined />}
      disabled={Boolean(cannotSign)}
      onClick={() => setSigning(true)}
      data-testid="signature-sign"
    >
      {signature ? t('signatures.resign') : t('signatures.sign')}
    </Button>
  );

  return (
    <section
      className={`td-signature${invalid ? ' td-signature-invalid' : ''}`}
      data-testid={`signature-${meaning}`}
      aria-label={meaningLabel}
    >
      <div className="td-signature-head">
        <Space size={8} align="center" wrap>
          <Typography.Text strong>{meaningLabel}</Typography.Text>
          {signature === null ? (
            <Typography.Text type="secondary">{t('signatures.none')}</Typography.Text>
          ) : invalid ? (
            <Tooltip title={t('signatures.invalidatedHint')}>
              <Typography.Text type="danger" strong data-testid="signature-invalidated">
                <WarningFilled /> {t('signatures.invalidated')}
              </Typography.Text>
            </Tooltip>
          ) : (
            <Typography.Text type="success" data-testid="signature-valid">
              <CheckCircleFilled /> {t('signatures.valid')}
            </Typography.Text>
          )}
        </Space>
        {cannotSign && canSign ? <Tooltip title={cannotSign}>{button}</Tooltip> : button}
      </div>
      {signature && (
        <Descriptions
          size="small"
          column={3}
          items={[
            { key: 'signer', label: t('signatures.signer'), children: signature.signerName },
            {
              key: 'at',
              label: t('signatures.signedAt'),
              children: (
                <Tooltip title={`UTC ${signature.signedAt}`}>
                  <span data-testid="signature-at">{formatDateTime(signature.signedAt, true)}</span>
                </Tooltip>
              ),
            },
            // the panel shows one meaning: the signature's is the same
            { key: 'meaning', label: t('signatures.meaning'), children: meaningLabel },
          ]}
        />
      )}
      <SignModal
        open={signing}
        meaningLabel={meaningLabel}
        statement={texts?.statement ?? t(`signatures.statements.${meaning}`, statementParams)}
        onCancel={() => setSigning(false)}
        onSubmit={async (password) => {
          const s = await call('signatures.sign', { entity, entityId, meaning, password });
          setSigning(false);
          onSigned(s);
        }}
      />
    </section>
  );
}

export function SignModal({
  open,
  meaningLabel,
  statement,
  onSubmit,
  onCancel,
}: {
  open: boolean;
  meaningLabel: string;
  statement: string;
  onSubmit: (password: string) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [form] = Form.useForm<{ password?: string }>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string | null>(null);
  const passwordRef = useRef<GetRef<typeof Input.Password>>(null);

  const finish = async (values: { password?: string }) => {
    setBusy(true);
    setAlert(null);
    try {
      await onSubmit(values.password ?? '');
    } catch (err) {
      setAlert(applyFieldErrors(form, asApiError(err), ['password']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('signatures.modalTitle')}
      okText={t('signatures.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onCancel}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible) focusFirstField(passwordRef.current);
      }}
      afterClose={() => setAlert(null)}
      data-testid="sign-modal"
    >
      <Descriptions
        size="small"
        column={1}
        style={{ marginBottom: 12 }}
        items={[
          { key: 'meaning', label: t('signatures.meaning'), children: meaningLabel },
          {
            key: 'signer',
            label: t('signatures.signer'),
            children: user ? `${user.displayName} (${user.username})` : '',
          },
        ]}
      />
      <Alert type="info" title={statement} style={{ marginBottom: 16 }} data-testid="sign-statement" />
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        onValuesChange={clearErrorsOnChange(form)}
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
