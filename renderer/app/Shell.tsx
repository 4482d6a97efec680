import {
  AlertOutlined,
  AuditOutlined,
  CalendarOutlined,
  DownOutlined,
  ExceptionOutlined,
  ExperimentOutlined,
  FileExcelOutlined,
  LogoutOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Button, Dropdown, Layout, Menu, Tag, type MenuProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { StudyDetailPage } from '../features/studies/StudyDetailPage';
import { StudyListPage } from '../features/studies/StudyListPage';
import { Brand } from './Brand';
import { useSession } from './session';

/** Areas of the app: studies work now; the others arrive with later issues and are shown, disabled, so people know. */
const areas: { key: string; icon: ReactNode; ready: boolean }[] = [
  { key: 'studies', icon: <ExperimentOutlined />, ready: true },
  { key: 'subjects', icon: <TeamOutlined />, ready: false },
  { key: 'visits', icon: <CalendarOutlined />, ready: false },
  { key: 'safety', icon: <AlertOutlined />, ready: false },
  { key: 'deviations', icon: <ExceptionOutlined />, ready: false },
  { key: 'excel', icon: <FileExcelOutlined />, ready: false },
  { key: 'audit', icon: <AuditOutlined />, ready: false },
  { key: 'settings', icon: <SettingOutlined />, ready: false },
];

export function Shell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const selected = areas.find((a) => pathname.startsWith(`/${a.key}`))?.key ?? 'studies';

  const items: MenuProps['items'] = areas.map((a) => ({
    key: a.key,
    icon: a.icon,
    disabled: !a.ready,
    label: a.ready ? (
      t(`nav.${a.key}`)
    ) : (
      <span>
        {t(`nav.${a.key}`)}
        <Tag className="td-coming" variant="filled">
          {t('nav.coming')}
        </Tag>
      </span>
    ),
  }));

  return (
    <Layout style={{ minHeight: '100%' }}>
      <Layout.Header className="td-header">
        <Brand />
        <div className="td-header-actions">
          <LanguageSwitch />
          <UserMenu />
        </div>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={240} className="td-sider" breakpoint="lg" collapsedWidth={56} theme="light">
          <nav aria-label={t('app.subtitle')}>
            <Menu
              mode="inline"
              selectedKeys={[selected]}
              items={items}
              onClick={({ key }) => void navigate(`/${key}`)}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content>
          <main className="td-page">
            <Routes>
              <Route path="/studies" element={<StudyListPage />} />
              <Route path="/studies/:id" element={<StudyDetailPage />} />
              <Route path="*" element={<Navigate to="/studies" replace />} />
            </Routes>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  if (!user) return null;
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'who', label: `${user.displayName} (${user.username})`, disabled: true },
          { type: 'divider' },
          { key: 'logout', icon: <LogoutOutlined />, label: t('user.logout') },
        ],
        onClick: ({ key }) => {
          if (key === 'logout') void signOut();
        },
      }}
    >
      <Button type="text" icon={<UserOutlined />} data-testid="user-menu">
        {user.displayName}
        <Tag color="blue" variant="filled" style={{ marginInlineEnd: 0 }}>
          {t(`user.roles.${user.role}`)}
        </Tag>
        <DownOutlined style={{ fontSize: 10 }} />
      </Button>
    </Dropdown>
  );
}
