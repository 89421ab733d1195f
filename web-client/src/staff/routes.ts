import type { Router, RouteRecordRaw } from 'vue-router'
export { staffGuard } from './guard'

// The console's pages, each its own lazily loaded chunk. The citizen router knows only a
// placeholder for /staff/…; the first visit loads this module, which swaps in these routes.
export const staffRoutes: RouteRecordRaw = {
  path: '/staff',
  component: () => import('./StaffLayout.vue'),
  meta: { staff: true },
  children: [
    {
      path: '',
      name: 'staff-queue',
      component: () => import('./views/QueueView.vue'),
      meta: { titleKey: 'staff.queue.title', caseWork: true },
    },
    {
      path: 'login',
      name: 'staff-login',
      component: () => import('./views/LoginView.vue'),
      meta: { titleKey: 'staff.login.title', public: true },
    },
    {
      path: 'cases/:code',
      name: 'staff-case',
      component: () => import('./views/CaseView.vue'),
      meta: { titleKey: 'staff.case.title', caseWork: true },
    },
    {
      path: 'register',
      name: 'staff-register',
      component: () => import('./views/RegisterView.vue'),
      meta: { titleKey: 'staff.register.title', caseWork: true },
    },
    {
      path: 'password',
      name: 'staff-password',
      component: () => import('./views/PasswordView.vue'),
      meta: { titleKey: 'staff.password.title' },
    },
    {
      path: 'notifications',
      name: 'staff-notifications',
      component: () => import('./views/NotificationsView.vue'),
      meta: { titleKey: 'staff.notifications.title' },
    },
    {
      path: 'dashboard',
      name: 'staff-dashboard',
      component: () => import('./views/DashboardView.vue'),
      meta: { titleKey: 'staff.dashboard.title', dashboard: true },
    },
    { path: 'admin', redirect: { name: 'staff-admin-users' } },
    {
      path: 'admin/users',
      name: 'staff-admin-users',
      component: () => import('./views/admin/UsersView.vue'),
      meta: { titleKey: 'staff.users.title', admin: true },
    },
    {
      path: 'admin/rules',
      name: 'staff-admin-rules',
      component: () => import('./views/admin/RulesView.vue'),
      meta: { titleKey: 'staff.rules.title', admin: true },
    },
    {
      path: 'admin/calendar',
      name: 'staff-admin-calendar',
      component: () => import('./views/admin/CalendarView.vue'),
      meta: { titleKey: 'staff.calendar.title', admin: true },
    },
    {
      path: 'admin/sections',
      name: 'staff-admin-sections',
      component: () => import('./views/admin/SectionsView.vue'),
      meta: { titleKey: 'staff.sections.title', admin: true },
    },
    {
      path: 'admin/categories',
      name: 'staff-admin-categories',
      component: () => import('./views/admin/CategoriesView.vue'),
      meta: { titleKey: 'staff.guided.categoriesTitle', admin: true },
    },
    {
      path: 'admin/townships',
      name: 'staff-admin-townships',
      component: () => import('./views/admin/TownshipsView.vue'),
      meta: { titleKey: 'staff.guided.townshipsTitle', admin: true },
    },
    {
      path: 'admin/notifications',
      name: 'staff-admin-notifications',
      component: () => import('./views/admin/OutboxView.vue'),
      meta: { titleKey: 'staff.outbox.title', admin: true },
    },
    {
      path: 'admin/open311-keys',
      name: 'staff-admin-open311-keys',
      component: () => import('./views/admin/Open311KeysView.vue'),
      meta: { titleKey: 'staff.open311.title', admin: true },
    },
    { path: ':rest(.*)*', redirect: { name: 'staff-queue' } },
  ],
}

/** Adds the console's routes once; true when it just did (the navigation must then resolve again). */
export function install(router: Router, placeholder: string): boolean {
  if (router.hasRoute('staff-queue')) return false
  router.removeRoute(placeholder)
  router.addRoute(staffRoutes)
  return true
}
