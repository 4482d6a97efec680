import type { ThemeConfig } from 'antd';

/** Calm and dense: one deep blue, small radii, fonts a Chinese Windows or Mac workstation has. */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1d5a96',
    borderRadius: 4,
    fontSize: 14,
    // a Latin face before the Chinese ones everywhere: where the system UI font is missing (Linux), a CJK font would
    // otherwise draw ’ and “ ” full-width inside English text
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'Helvetica Neue', Arial, 'Microsoft YaHei', 'PingFang SC', 'Hiragino Sans GB', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
    colorBgLayout: '#f3f5f8',
  },
  components: {
    Layout: { headerBg: '#14304d', headerHeight: 52, headerPadding: '0 20px', siderBg: '#ffffff' },
    Menu: { itemHeight: 38, itemMarginInline: 8, itemSelectedBg: '#e3edf8', itemSelectedColor: '#1d5a96' },
    Table: { headerBg: '#f5f7fa', cellPaddingBlockSM: 7 },
    Descriptions: { labelBg: '#f7f9fb' },
    Form: { itemMarginBottom: 18, verticalLabelPadding: '0 0 4px' },
  },
};
