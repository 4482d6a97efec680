import { MedicineBoxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

export function Brand() {
  const { t } = useTranslation();
  return (
    <div className="td-brand">
      <MedicineBoxOutlined style={{ fontSize: 18, alignSelf: 'center' }} />
      <span className="td-brand-name">{t('app.name')}</span>
      <span className="td-brand-sub">{t('app.subtitle')}</span>
    </div>
  );
}
