import {
  AlertOutlined,
  AuditOutlined,
  CalendarOutlined,
  DownOutlined,
  ExceptionOutlined,
  ExperimentOutlined,
  FileExcelOutlined,
  LockOutlined,
  LogoutOutlined,
  SettingOutlined,
  UserOutlined,
  UsergroupAddOutlined,
  KeyOutlined,
} from '@ant-design/icons';
import { Badge, Button, Dropdown, Layout, Menu, Tag, type MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { AuditTrailPage } from '../features/audit/AuditTrailPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { StudyDetailPage } from '../features/studies/StudyDetailPage';
import { StudyListPage } from '../features/studies/StudyListPage';
import { SubjectPage } from '../features/subjects/SubjectPage';
import { ChangePasswordModal } from '../features/auth/ChangePassword';
import { DeviationsPage } from '../features/deviations/DeviationsPage';
import { UsersPage } from '../features/users/UsersPage';
import { useOverdueCount } from '../features/visits/overdue';
import { VisitsPage } from '../features/visits/VisitsPage';
import { useSaeOverdueCount } from '../features/safety/overdue';
import { SafetyPage } from '../features/safety/SafetyPage';
import { ExchangePage } from '../features/exchange/ExchangePage';
import { useLock } from '../features/lock/LockGuard';
import { Brand } from './Brand';
import { useSession } from './session';

/**
 * Areas of the app: the ready ones work; the others arrive with later issues and are shown, disabled, so people know.
 * Subjects live inside their study (the study page's tabs), so they have no area of their own.
 */
const areas: { key: string; icon: ReactNode; ready: boolean }[] = [
  { key: 'studies', icon: <ExperimentOutlined />, ready: true },
  { key: 'visits', icon: <CalendarOutlined />, ready: true },
  { key: 'safety', icon: <AlertOutlined />, ready: true },
  { key: 'deviations', icon: <ExceptionOutlined />, ready: true },
  { key: 'excel', icon: <FileExcelOutlined />, ready: true },
  { key: 'audit', icon: <AuditOutlined />, ready: true },
  { key: 'settings', icon: <SettingOutlined />, ready: true },
  { key: 'users', icon: <UsergroupAddOutlined />, ready: true },
];
/** Areas for administrators only (the server refuses their channels to everyone else anyway). */
const ADMIN_AREAS = ['settings', 'users'];
/** Areas of the site's own work, not a monitor's (the worklist's channels refuse monitors). */
const SITE_AREAS = ['visits'];

export function Shell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const { user } = useSession();
  const selected = areas.find((a) => pathname.startsWith(`/${a.key}`))?.key ?? 'studies';
  // visits whose window closed unrecorded: a badge on the visits area, asked again on every page change
  const overdue = useOverdueCount(user?.role === 'monitor' ? null : pathname);
  // SAEs whose initial report to the sponsor is overdue: a badge on the safety area
  const saesOverdue = useSaeOverdueCount(pathname);

  // system settings (backup and restore included) are for administrators only
  const visible = areas.filter(
    (a) =>
      (!ADMIN_AREAS.includes(a.key) || user?.role === 'admin') &&
      (!SITE_AREAS.includes(a.key) || user?.role !== 'monitor'),
  );
  const items: MenuProps['items'] = visible.map((a) => ({
    key: a.key,
    icon: a.icon,
    disabled: !a.ready,
    label: !a.ready ? (
      <span>
        {t(`nav.${a.key}`)}
        <Tag className="td-coming" variant="filled">
          {t('nav.coming')}
        </Tag>
      </span>
    ) : a.key === 'visits' && overdue ? (
      <span>
        {t(`nav.${a.key}`)}
        <Badge
          count={overdue}
          size="small"
          overflowCount={999}
          style={{ marginInlineStart: 8 }}
          data-testid="overdue-badge"
        />
      </span>
    ) : a.key === 'safety' && saesOverdue ? (
      <span>
        {t(`nav.${a.key}`)}
        <Badge
          count={saesOverdue}
          size="small"
          overflowCount={999}
          style={{ marginInlineStart: 8 }}
          data-testid="sae-overdue-badge"
        />
      </span>
    ) : (
      t(`nav.${a.key}`)
    ),
  }));

  return (
    <Layout style={{ minHeight: '100%' }}>
      <Layout.Header className="td-header td-no-print">
        <Brand />
        <div className="td-header-actions">
          <LanguageSwitch />
          <UserMenu />
        </div>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={240} className="td-sider td-no-print" breakpoint="lg" collapsedWidth={56} theme="light">
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
              <Route path="/studies/:studyId/subjects/:subjectId" element={<SubjectPage />} />
              <Route
                path="/visits"
                element={user?.role === 'monitor' ? <Navigate to="/studies" replace /> : <VisitsPage />}
              />
              <Route path="/safety" element={<SafetyPage />} />
              <Route path="/deviations" element={<DeviationsPage />} />
              <Route path="/excel" element={<ExchangePage />} />
              <Route path="/audit" element={<AuditTrailPage />} />
              <Route
                path="/settings"
                element={user?.role === 'admin' ? <SettingsPage /> : <Navigate to="/studies" replace />}
              />
              <Route
                path="/users"
                element={user?.role === 'admin' ? <UsersPage /> : <Navigate to="/studies" replace />}
              />
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
  const { lock } = useLock();
  const [changing, setChanging] = useState(false);
  if (!user) return null;
  return (
    <>
      <ChangePasswordModal open={changing} onClose={() => setChanging(false)} />
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'who', label: `${user.displayName} (${user.username})`, disabled: true },
            { type: 'divider' },
            { key: 'password', icon: <KeyOutlined />, label: t('account.changePassword') },
            { key: 'lock', icon: <LockOutlined />, label: t('lock.menu') },
            { key: 'logout', icon: <LogoutOutlined />, label: t('user.logout') },
          ],
          onClick: ({ key }) => {
            if (key === 'password') setChanging(true);
            if (key === 'lock') lock();
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
    </>
  );
}
