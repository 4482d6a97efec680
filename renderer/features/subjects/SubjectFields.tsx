/**
 * Form parts shared by registering and editing a subject: identity (initials, sex, birth), stratification factors and
 * the personal fields kept for our own center's subjects.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { InputOf, Sex } from '../../../electron/api';
import { DateField } from '../../components/DateField';
import { sexOptions } from './labels';

type PersonalInput = NonNullable<InputOf<'subjects.register'>['personal']>;

/** What the identity part of the form holds: birth is a full date or a year only (`birthMode` is not sent). */
export interface IdentityValues {
  initials: string;
  sex: Sex;
  birthMode: 'date' | 'year';
  birthDate: string | null;
  birthYear: number | null;
  strata: { key: string; value: string }[];
  personal?: { name?: string | null; recordNumber?: string | null; idNumber?: string | null; phone?: string | null };
}

/** The identity values as the contract takes them. */
export function identityInput(v: IdentityValues) {
  return {
    initials: v.initials ?? '',
    sex: v.sex,
    birthDate: v.birthMode === 'date' ? (v.birthDate ?? null) : null,
    birthYear: v.birthMode === 'year' ? (v.birthYear ?? null) : null,
    strata: Object.fromEntries(
      (v.strata ?? []).filter((s) => s?.key?.trim()).map((s) => [s.key.trim(), (s.value ?? '').trim()]),
    ),
  };
}

export function personalInput(p: IdentityValues['personal']): PersonalInput {
  return {
    name: p?.name ?? null,
    recordNumber: p?.recordNumber ?? null,
    idNumber: p?.idNumber ?? null,
    phone: p?.phone ?? null,
  };
}

export function IdentityFields() {
  const { t } = useTranslation();
  const mode = Form.useWatch<IdentityValues['birthMode']>('birthMode');
  return (
    <Row gutter={16}>
      <Col span={6}>
        <Form.Item
          name="initials"
          label={t('subjectsUi.fields.initials')}
          required
          extra={t('subjectsUi.register.initialsHint')}
        >
          <Input className="td-mono" maxLength={4} style={{ textTransform: 'uppercase' }} />
        </Form.Item>
      </Col>
      <Col span={6}>
        <Form.Item name="sex" label={t('subjectsUi.fields.sex')} required>
          <Radio.Group options={sexOptions()} optionType="button" />
        </Form.Item>
      </Col>
      <Col span={12}>
        {/* one label over the mode and the value: it names the date input (the year input has its own label) */}
        <Form.Item label={t('subjectsUi.fields.birth')} htmlFor="birthDate" required>
          <Space.Compact block>
            <Form.Item name="birthMode" noStyle>
              <Select
                aria-label={t('subjectsUi.register.birthMode')}
                style={{ width: 120 }}
                options={[
                  { value: 'date', label: t('subjectsUi.register.birthByDate') },
                  { value: 'year', label: t('subjectsUi.register.birthByYear') },
                ]}
              />
            </Form.Item>
            {mode === 'year' ? (
              <Form.Item name="birthYear" noStyle>
                <InputNumber
                  aria-label={t('subjectsUi.fields.birthYear')}
                  min={1900}
                  max={2100}
                  precision={0}
                  style={{ width: '100%' }}
                />
              </Form.Item>
            ) : (
              <Form.Item name="birthDate" noStyle>
                <DateField id="birthDate" />
              </Form.Item>
            )}
          </Space.Compact>
        </Form.Item>
      </Col>
    </Row>
  );
}

/** Stratification factors: free key/value pairs (e.g. risk group → high). */
export function StrataFields() {
  const { t } = useTranslation();
  return (
    <Form.Item label={t('subjectsUi.fields.strata')} extra={t('subjectsUi.register.strataHint')}>
      <Form.List name="strata">
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Space key={f.key} align="baseline" style={{ display: 'flex', marginBottom: 4 }}>
                <Form.Item name={[f.name, 'key']} noStyle>
                  <Input
                    placeholder={t('subjectsUi.register.strataKey')}
                    aria-label={t('subjectsUi.register.strataKey')}
                    style={{ width: 180 }}
                    maxLength={40}
                  />
                </Form.Item>
                <Form.Item name={[f.name, 'value']} noStyle>
                  <Input
                    placeholder={t('subjectsUi.register.strataValue')}
                    aria-label={t('subjectsUi.register.strataValue')}
                    style={{ width: 220 }}
                    maxLength={100}
                  />
                </Form.Item>
                <Button
                  type="text"
                  icon={<DeleteOutlined />}
                  aria-label={t('subjectsUi.common.remove')}
                  onClick={() => remove(f.name)}
                />
              </Space>
            ))}
            <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => add({ key: '', value: '' })}>
              {t('subjectsUi.register.strataAdd')}
            </Button>
          </>
        )}
      </Form.List>
    </Form.Item>
  );
}

/** Name, record number, ID number, phone: our own center's subjects only (site roles see them). */
export function PersonalFields() {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8, fontSize: 12 }}>
        {t('subjectsUi.register.personalHint')}
      </Typography.Text>
      <Row gutter={16}>
        <Col span={6}>
          <Form.Item name={['personal', 'name']} label={t('subjectsUi.fields.name')}>
            <Input maxLength={50} autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name={['personal', 'recordNumber']} label={t('subjectsUi.fields.recordNumber')}>
            <Input maxLength={30} className="td-mono" autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={7}>
          <Form.Item name={['personal', 'idNumber']} label={t('subjectsUi.fields.idNumber')}>
            <Input maxLength={18} className="td-mono" autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={5}>
          <Form.Item name={['personal', 'phone']} label={t('subjectsUi.fields.phone')}>
            <Input maxLength={20} className="td-mono" autoComplete="off" />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
