import { GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { locales, type Locale } from '../../electron/api';
import { useSession } from '../app/session';

/** 中文 / English, switched at once and remembered by the workstation. Each name is written in its own language. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const { locale, setLocale } = useSession();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [locale],
        items: locales.map((l) => ({ key: l, label: t(`lang.${l}`), lang: l })),
        onClick: ({ key }) => setLocale(key as Locale),
      }}
    >
      <Button type="text" icon={<GlobalOutlined />} aria-label={t('lang.label')} title={t('lang.label')}>
        {t(`lang.${locale}`)}
      </Button>
    </Dropdown>
  );
}
