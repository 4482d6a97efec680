import type { FormInstance } from 'antd';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiError } from '../../electron/api';
import i18n from '../i18n';
import { applyFieldErrors, needsReason, translateError, translateMessage } from './formErrors';

describe('server messages in words', () => {
  beforeEach(async () => {
    await i18n.changeLanguage('zh-CN');
  });

  it('names changed fields by their labels', () => {
    expect(translateMessage('validation.reasonRequired', { fields: 'protocolNumber, sitePi' })).toBe(
      '以下关键字段已修改，须填写原因：方案编号、本院主要研究者',
    );
  });

  it('shows status codes and entities as labels, in the current language', async () => {
    const error: ApiError = {
      code: 'illegal_transition',
      messageKey: 'studies.illegalTransition',
      params: { from: 'planning', to: 'closed' },
    };
    expect(translateError(error)).toBe('研究状态不能从“筹备中”变更为“已关闭”');
    expect(translateMessage('errors.notFound', { entity: 'center' })).toBe('未找到该中心');
    await i18n.changeLanguage('en');
    expect(translateError(error)).toBe('A study cannot change from “Planning” to “Closed”');
    expect(translateMessage('validation.maxLength', { max: 64 })).toBe('At most 64 characters');
  });

  it('still says something for a key it does not know', () => {
    expect(translateMessage('studies.somethingNew')).toContain('studies.somethingNew');
  });
});

describe('field errors on forms', () => {
  const form = () => {
    const setFields = vi.fn();
    const scrollToField = vi.fn();
    return { setFields, scrollToField, instance: { setFields, scrollToField } as unknown as FormInstance };
  };

  it('places update errors ("fields.x") on field x and clears the others', async () => {
    await i18n.changeLanguage('zh-CN');
    const f = form();
    const rest = applyFieldErrors(
      f.instance,
      {
        code: 'validation',
        messageKey: 'validation.required',
        fields: [
          { field: 'fields.sitePi', messageKey: 'validation.required' },
          { field: 'reason', messageKey: 'validation.maxLength', params: { max: 500 } },
        ],
      },
      ['protocolNumber', 'sitePi'],
    );
    expect(f.setFields).toHaveBeenCalledWith([
      { name: 'protocolNumber', errors: [] },
      { name: 'sitePi', errors: ['必填'] },
    ]);
    expect(f.scrollToField).toHaveBeenCalledWith('sitePi', expect.anything());
    expect(rest).toBe('最多 500 个字符');
  });

  it('returns an error of no field for the form-level alert', () => {
    const f = form();
    expect(applyFieldErrors(f.instance, { code: 'forbidden', messageKey: 'errors.forbidden' }, ['code'])).toBe(
      '您的角色无权执行此操作',
    );
  });

  it('recognises the reason the server asks for', () => {
    const error: ApiError = {
      code: 'validation',
      messageKey: 'validation.reasonRequired',
      field: 'reason',
      fields: [{ field: 'reason', messageKey: 'validation.reasonRequired', params: { fields: 'sitePi' } }],
    };
    expect(needsReason(error, 'validation.reasonRequired')).toBe(true);
    expect(needsReason(error, 'validation.reasonRequiredForStatus')).toBe(false);
  });
});
