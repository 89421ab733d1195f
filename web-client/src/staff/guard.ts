import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router'
import { auth, isCaseWorker, loadProfile, seesDashboard } from './auth'
import './i18n'

/** Where a signed-in member starts: the queue; leaders, who watch the figures, the dashboard;
 *  administrators (who see no cases) the accounts. */
export function homeFor(role: string | undefined): RouteLocationRaw {
  if (role === 'admin') return { name: 'staff-admin-users' }
  return role === 'leader' ? { name: 'staff-dashboard' } : { name: 'staff-queue' }
}

/** Only a console page may be a redirect target after signing in. */
export function safeRedirect(value: unknown): string | null {
  return typeof value === 'string' && /^\/staff(\/|$|\?)/.test(value) && !value.startsWith('/staff/login') ? value : null
}

export async function staffGuard(to: RouteLocationNormalized): Promise<boolean | RouteLocationRaw> {
  if (to.meta.public) {
    // Already signed in: the sign-in page is the way home.
    return auth.signedIn.value && auth.profile.value ? homeFor(auth.profile.value.role) : true
  }
  if (!auth.signedIn.value) return { name: 'staff-login', query: { redirect: to.fullPath } }
  if (!auth.profile.value) {
    const outcome = await loadProfile()
    if (!outcome.ok) return { name: 'staff-login', query: { redirect: to.fullPath } }
  }
  const role = auth.profile.value?.role
  if (to.meta.admin && role !== 'admin') return homeFor(role)
  if (to.meta.caseWork && !isCaseWorker(role)) return homeFor(role)
  if (to.meta.dashboard && !seesDashboard(role)) return homeFor(role)
  return true
}
