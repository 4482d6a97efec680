import { Alert, Col, Form, Input, Modal, Radio, Row, Select, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Criterion, SubjectDetail, SubjectSetupView } from '../../../electron/api';
import { call } from '../../api/client';
import { DateField } from '../../components/DateField';
import { clearChangedErrors, today } from './forms';
import { codedOptions } from './labels';
import { FormAlert, useModalSubmit } from './useModalSubmit';

interface ScreeningValues {
  screeningDate: string | null;
  eligibility: Record<string, boolean | undefined>;
  outcome?: 'eligible' | 'screen_failed';
  screenFailureReason?: string | null;
  screenFailureDetail?: string | null;
}

/**
 * Records the screening: the date, each inclusion/exclusion criterion of the study met or not, and the outcome
 * (eligible, or screen failure with a reason). Whether the answers make the subject eligible the server decides.
 */
export function ScreeningModal({
  open,
  subject,
  setup,
  onClose,
  onSaved,
}: {
  open: boolean;
  subject: SubjectDetail;
  setup: SubjectSetupView;
  onClose: () => void;
  onSaved: (subject: SubjectDetail) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ScreeningValues>();
  const outcome = Form.useWatch('outcome', form);

  const { alert, finish, modalProps } = useModalSubmit({
    form,
    send: (v: ScreeningValues) => {
      // unanswered criteria are left out: the server names them
      const eligibility = Object.fromEntries(
        Object.entries(v.eligibility ?? {}).filter((e): e is [string, boolean] => typeof e[1] === 'boolean'),
      );
      const failed = v.outcome === 'screen_failed';
      return call('subjects.screen', {
        id: subject.id,
        screeningDate: v.screeningDate ?? '',
        eligibility,
        outcome: v.outcome ?? 'eligible',
        screenFailureReason: failed ? (v.screenFailureReason ?? null) : null,
        screenFailureDetail: failed ? (v.screenFailureDetail ?? null) : null,
      });
    },
    onSaved,
    onClose,
  });

  const columns = [
    {
      key: 'kind',
      title: t('subjectsUi.screen.kind'),
      dataIndex: 'kind',
      width: 80,
      render: (k: Criterion['kind']) => (
        <Tag color={k === 'inclusion' ? 'blue' : 'volcano'} variant="filled">
          {t(`subjectsUi.criterionKind.${k}`)}
        </Tag>
      ),
    },
    { key: 'code', title: t('subjectsUi.setup.code'), dataIndex: 'code', width: 70, className: 'td-mono' },
    { key: 'text', title: t('subjectsUi.screen.criterion'), dataIndex: 'text' },
    {
      key: 'met',
      title: t('subjectsUi.screen.met'),
      width: 170,
      render: (_: unknown, c: Criterion) => (
        <Form.Item name={['eligibility', c.code]} style={{ margin: 0 }}>
          <Radio.Group
            aria-label={c.code}
            optionType="button"
            size="small"
            options={[
              { value: true, label: t('subjectsUi.screen.yes') },
              { value: false, label: t('subjectsUi.screen.no') },
            ]}
          />
        </Form.Item>
      ),
    },
  ];

  return (
    <Modal
      open={open}
      title={t('subjectsUi.screen.title', { number: subject.screeningNumber })}
      width={860}
      okText={t('subjectsUi.screen.submit')}
      {...modalProps}
    >
      <FormAlert text={alert} testId="screen-error" />
      <Form<ScreeningValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          screeningDate: subject.screeningDate ?? today(),
          eligibility: subject.eligibility,
        }}
        onValuesChange={clearChangedErrors(form)}
        onFinish={(v) => void finish(v)}
      >
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="screeningDate" label={t('subjectsUi.fields.screeningDate')} required>
              <DateField />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('subjectsUi.screen.checklistHint')}
        </Typography.Text>
        {setup.criteria.length === 0 ? (
          <Alert type="warning" showIcon title={t('subjectsUi.screen.noCriteria')} style={{ margin: '8px 0 16px' }} />
        ) : (
          <Table<Criterion>
            data-testid="eligibility-checklist"
            className="td-checklist"
            size="small"
            rowKey="code"
            columns={columns}
            dataSource={setup.criteria}
            pagination={false}
            style={{ margin: '8px 0 16px' }}
          />
        )}
        <Form.Item
          name="outcome"
          label={t('subjectsUi.screen.outcome')}
          required
          rules={[{ required: true, message: t('msg.validation.required') }]}
        >
          <Radio.Group
            options={[
              { value: 'eligible', label: t('subjectsUi.screen.eligible') },
              { value: 'screen_failed', label: t('subjectsUi.screen.failed') },
            ]}
          />
        </Form.Item>
        {outcome === 'screen_failed' && (
          <Row gutter={16}>
            <Col span={10}>
              <Form.Item name="screenFailureReason" label={t('subjectsUi.fields.screenFailureReason')}>
                <Select allowClear options={codedOptions(setup.screenFailureReasons)} />
              </Form.Item>
            </Col>
            <Col span={14}>
              <Form.Item name="screenFailureDetail" label={t('subjectsUi.fields.screenFailureDetail')}>
                <Input.TextArea rows={2} maxLength={500} />
              </Form.Item>
            </Col>
          </Row>
        )}
      </Form>
    </Modal>
  );
}
