import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { refreshMe, session, homeOf } from './session'

const routes: RouteRecordRaw[] = [
  { path: '/', component: () => import('./pages/HomePage.vue'), meta: { title: '首页' } },
  { path: '/signin', component: () => import('./pages/SignInPage.vue'), meta: { title: '企业登录' } },
  { path: '/staff/signin', component: () => import('./pages/StaffSignInPage.vue'), meta: { title: '工作人员登录' } },
  { path: '/signup', component: () => import('./pages/SignUpPage.vue'), meta: { title: '企业注册' } },
  { path: '/apply', component: () => import('./pages/ApplicationsPage.vue'), meta: { title: '我的申报', role: ['enterprise'] } },
  { path: '/apply/:id', component: () => import('./pages/ApplicationPage.vue'), meta: { title: '填写申报书', role: ['enterprise'] } },
  { path: '/apply/:id/status', component: () => import('./pages/StatusPage.vue'), meta: { title: '申报进度', role: ['enterprise'] } },
  { path: '/password', component: () => import('./pages/PasswordPage.vue'), meta: { title: '修改密码', role: ['enterprise', 'reviewer', 'admin', 'operations', 'security_admin', 'audit_admin'] } },
  { path: '/inbox', component: () => import('./pages/InboxPage.vue'), meta: { title: '消息', role: ['enterprise', 'reviewer', 'admin'] } },
  { path: '/review', component: () => import('./pages/ReviewQueuePage.vue'), meta: { title: '审核任务', role: ['reviewer', 'admin'] } },
  { path: '/review/tasks/:id', component: () => import('./pages/TaskPage.vue'), meta: { title: '审核申报', role: ['reviewer', 'admin'] } },
  { path: '/review/summary', component: () => import('./pages/UnitSummaryPage.vue'), meta: { title: '推荐汇总表', role: ['reviewer', 'admin'] } },
  { path: '/operating-reports', component: () => import('./pages/OperatingReportsPage.vue'), meta: { title: '定期调度报告', role: ['enterprise', 'reviewer', 'admin'] } },
  { path: '/review/recognitions', component: () => import('./pages/RecognitionsPage.vue'), meta: { title: '认定企业与典型案例', role: ['reviewer', 'admin'] } },
  { path: '/review/reserve', component: () => import('./pages/ReservePage.vue'), meta: { title: '后备企业库', role: ['reviewer', 'admin'] } },
  { path: '/admin', component: () => import('./pages/AdminPage.vue'), meta: { title: '培育批次管理', role: ['admin'] } },
  { path: '/admin/programmes', component: () => import('./pages/ProgrammesAdminPage.vue'), meta: { title: '培育批次设置', role: ['admin'] } },
  { path: '/admin/audit', component: () => import('./pages/AuditPage.vue'), meta: { title: '审计记录', role: ['audit_admin'] } },
  { path: '/password/reset', component: () => import('./pages/PasswordResetPage.vue'), meta: { title: '找回密码' } },
  { path: '/admin/accounts', component: () => import('./pages/AccountsPage.vue'), meta: { title: '审核账号', role: ['admin'] } },
  { path: '/public/:programme', component: () => import('./pages/PublicListPage.vue'), meta: { title: '公示名单' } },
  { path: '/:rest(.*)*', component: () => import('./pages/NotFoundPage.vue'), meta: { title: '页面不存在' } },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  if (!session.checked) await refreshMe()
  const roles = to.meta.role as string[] | undefined
  if (roles && (!session.me || !roles.includes(session.me.role))) {
    if (!session.me) return { path: roles.includes('enterprise') ? '/signin' : '/staff/signin', query: { next: to.fullPath } }
    return homeOf(session.me.role)
  }
  if (session.me && session.mustChangePassword && roles && to.path !== '/password') return '/password'
  return true
})

router.afterEach((to) => {
  document.title = `${(to.meta.title as string) ?? ''} - 专精特新企业培育申报平台`
})
