/**
 * /safety — the safety area: the SAE board with its live countdowns, the investigator's sign-off queue, and a study's
 * SUSAR reports. One study filter for all three (the SUSAR log is per study); filter and tab live in the address.
 */
import { Empty, Select, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../api/useApiQuery';
import { useSession } from '../../app/session';
import { useUrlState } from '../subjects/useUrlState';
import { SaeBoard } from './SaeBoard';
import { SignOffQueue } from './SignOffQueue';
import { SusarLog } from './SusarLog';

const TABS = ['board', 'signOff', 'susars'] as const;

export function SafetyPage() {
  const { t } = useTranslation();
  const { params, update } = useUrlState();
  const { user } = useSession();
  // the sign-off queue is the site's (a monitor's call is refused by the server)
  const monitor = user?.role === 'monitor';
  const studyId = Number(params.get('study')) || undefined;
  const tab = TABS.find((k) => k === params.get('tab') && !(monitor && k === 'signOff')) ?? 'board';
  const studies = useApiQuery('studies.list', { sort: 'protocolNumber', order: 'asc' });

  return (
    <>
      <div className="td-page-header">
        <div>
          <Typography.Title level={4}>{t('safetyUi.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('safetyUi.intro')}</Typography.Text>
        </div>
      </div>
      <div className="td-toolbar">
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('safetyUi.allStudies')}
          aria-label={t('safetyUi.study')}
          style={{ width: 320 }}
          value={studyId}
          onChange={(v: number | undefined) => update({ study: v })}
          options={studies.data?.map((s) => ({ value: s.id, label: `${s.protocolNumber} · ${s.shortTitle}` }))}
          popupMatchSelectWidth={false}
          data-testid="safety-study"
        />
      </div>
      <div className="td-panel">
        <Tabs
          destroyOnHidden
          activeKey={tab}
          onChange={(k) => update({ tab: k === 'board' ? undefined : k })}
          items={[
            { key: 'board', label: t('safetyUi.tabs.board'), children: <SaeBoard studyId={studyId} /> },
            ...(monitor
              ? []
              : [{ key: 'signOff', label: t('safetyUi.tabs.signOff'), children: <SignOffQueue studyId={studyId} /> }]),
            {
              key: 'susars',
              label: t('safetyUi.tabs.susars'),
              children: studyId ? (
                <SusarLog studyId={studyId} />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('safetyUi.chooseStudy')} />
              ),
            },
          ]}
        />
      </div>
    </>
  );
}
