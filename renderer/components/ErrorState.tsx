import { ReloadOutlined } from '@ant-design/icons';
import { Button, Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../electron/api';
import { translateError } from './formErrors';

/** A load that failed: what happened, in words, and a way to try again. */
export function ErrorState({
  error,
  onRetry,
  title,
  extra,
}: {
  error: ApiError;
  onRetry?: () => void;
  title?: ReactNode;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Result
      status={error.code === 'not_found' ? 'warning' : 'error'}
      title={title ?? t('common.loadFailed')}
      subTitle={translateError(error)}
      extra={[
        onRetry && (
          <Button key="retry" type="primary" icon={<ReloadOutlined />} onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ),
        extra,
      ]}
    />
  );
}
