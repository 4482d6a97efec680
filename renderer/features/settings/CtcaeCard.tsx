/**
 * The CTCAE v5.0 dictionary (issue 6): what is loaded (terms, SOCs, when, from which file) and, for administrators,
 * loading NCI's workbook. The file is read in the renderer and sent as bytes (ctcae.load), so this works the same in the
 * desktop app and in browser mode; the server checks the layout, and loading the same file again changes nothing.
 */
import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Tooltip, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asApiError, call } from '../../api/client';
import { useApiQuery } from '../../api/useApiQuery';
import { useSession } from '../../app/session';
import { ErrorState } from '../../components/ErrorState';
import { translateError } from '../../components/formErrors';
import { formatDateTime } from '../../i18n/format';
import { shortHash } from '../aes/labels';
import { readBase64 } from '../../api/files';

export function CtcaeCard() {
  const { t } = useTranslation();
  const { user } = useSession();
  const canLoad = user?.role === 'admin';
  const [refresh, setRefresh] = useState(0);
  const status = useApiQuery('ctcae.status', {}, refresh);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ type: 'success' | 'error'; text: string } | null>(null);

  const load = async (file: File) => {
    setBusy(true);
    setResult(null);
    try {
      const base64 = await readBase64(file);
      const r = await call('ctcae.load', { fileName: file.name, base64 });
      setResult({
        type: 'success',
        text: t('aesUi.ctcae.loaded', {
          file: file.name,
          added: r.added,
          updated: r.updated,
          unchanged: r.unchanged,
          terms: r.terms,
        }),
      });
      setRefresh((n) => n + 1);
    } catch (err) {
      setResult({ type: 'error', text: translateError(asApiError(err)) });
    } finally {
      setBusy(false);
    }
  };

  const s = status.data;
  const loaded = s !== undefined && s.terms > 0;
  return (
    <Card title={t('aesUi.ctcae.title')} size="small" style={{ marginBottom: 16 }} data-testid="ctcae-card">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        {t('aesUi.ctcae.intro')}
      </Typography.Paragraph>
      {status.error ? (
        <ErrorState error={status.error} onRetry={status.reload} />
      ) : (
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2, xl: 3 }}
          style={{ marginBottom: 12 }}
          styles={{ label: { whiteSpace: 'nowrap' } }}
          data-testid="ctcae-status"
          items={[
            {
              key: 'terms',
              label: t('aesUi.ctcae.terms'),
              children: (
                <Typography.Text strong={loaded} type={loaded ? undefined : 'secondary'} data-testid="ctcae-terms">
                  {s ? (loaded ? s.terms : t('aesUi.ctcae.notLoaded')) : ''}
                </Typography.Text>
              ),
            },
            { key: 'socs', label: t('aesUi.ctcae.socs'), children: loaded ? s.socs : '' },
            {
              key: 'loadedAt',
              label: t('aesUi.ctcae.loadedAt'),
              children: <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(s?.loadedAt)}</span>,
            },
            {
              key: 'fileName',
              label: t('aesUi.ctcae.fileName'),
              span: 2,
              children: <span className="td-mono">{s?.fileName ?? ''}</span>,
            },
            {
              key: 'sha256',
              label: t('aesUi.ctcae.sha256'),
              children: s?.sha256 ? (
                <Tooltip title={s.sha256}>
                  <span className="td-mono">{shortHash(s.sha256)}</span>
                </Tooltip>
              ) : (
                ''
              ),
            },
          ]}
        />
      )}
      {canLoad ? (
        <Upload
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          maxCount={1}
          showUploadList={false}
          disabled={busy}
          // nothing is uploaded by antd: the file's bytes go to the server through the api client
          beforeUpload={(file) => {
            void load(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={busy} data-testid="ctcae-load">
            {t('aesUi.ctcae.load')}
          </Button>
        </Upload>
      ) : (
        <Typography.Text type="secondary">{t('aesUi.ctcae.onlyAdmins')}</Typography.Text>
      )}
      {result && (
        <Alert
          type={result.type}
          showIcon
          title={result.text}
          closable
          onClose={() => setResult(null)}
          style={{ marginTop: 12 }}
          data-testid="ctcae-result"
        />
      )}
    </Card>
  );
}
