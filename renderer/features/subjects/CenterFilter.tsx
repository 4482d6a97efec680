import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { StudyDetail } from '../../../electron/api';

/** The "all centers / one center" filter of the subject lists and logs; cleared, it shows all centers. */
export function CenterFilter({
  study,
  value,
  onChange,
  width,
}: {
  study: StudyDetail;
  value: number | undefined;
  onChange: (centerId: number | undefined) => void;
  width: number;
}) {
  const { t } = useTranslation();
  return (
    <Select
      allowClear
      placeholder={t('subjectsUi.list.allCenters')}
      aria-label={t('subjectsUi.fields.center')}
      style={{ width }}
      value={value}
      onChange={onChange}
      options={study.centers.map((c) => ({ value: c.id, label: `${c.code} · ${c.hospitalName}` }))}
      popupMatchSelectWidth={false}
    />
  );
}
