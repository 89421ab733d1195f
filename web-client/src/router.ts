import { createRouter, createWebHashHistory } from 'vue-router'
import SubmitView from './views/SubmitView.vue'

const STAFF_ENTRY = 'staff-entry'

// Hash history: dist/ works on any static web server, no rewrite rules needed.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'submit', component: SubmitView, meta: { titleKey: 'submit.title' } },
    {
      path: '/submitted',
      name: 'submitted',
      component: () => import('./views/SubmittedView.vue'),
      meta: { titleKey: 'submitted.title' },
    },
    {
      path: '/track',
      name: 'track',
      component: () => import('./views/TrackView.vue'),
      meta: { titleKey: 'track.title' },
    },
    {
      path: '/cases',
      name: 'public-cases',
      component: () => import('./views/PublicCasesView.vue'),
      meta: { titleKey: 'publicCases.title' },
    },
    {
      path: '/bulletins/:month?',
      name: 'bulletin',
      component: () => import('./views/BulletinView.vue'),
      meta: { titleKey: 'bulletin.title' },
    },
    {
      path: '/unsubscribe',
      name: 'unsubscribe',
      component: () => import('./views/UnsubscribeView.vue'),
      meta: { titleKey: 'unsubscribe.title' },
    },
    // The staff console: a placeholder until its own chunk adds its routes (see ./staff/routes.ts),
    // so the citizen pages' first load carries nothing of it but these lines.
    { path: '/staff/:rest(.*)*', name: STAFF_ENTRY, component: { render: () => null }, meta: { staff: true } },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
  // A new page starts at the top; a change of query only (filters, a found case) stays where it is.
  scrollBehavior: (to, from) => (to.path === from.path && from.matched.length ? false : { top: 0 }),
})

// Console pages: load the console, add its routes on first use (then resolve the URL again),
// and check sign-in and role.
router.beforeEach(async (to) => {
  if (!to.meta.staff) return true
  const staff = await import('./staff/routes')
  return staff.install(router, STAFF_ENTRY) ? to.fullPath : staff.staffGuard(to)
})
