import createClient from 'openapi-fetch'
import { apiBaseUrl, type ApiClient } from '../api/client'
import { call, type Failure, type Outcome } from '../api/problem'
import type { components, paths } from '../api/schema'
import { currentLocale } from '../i18n'
import { authFetch } from './auth'

// The console's API client: the same typed client as the citizen pages', signed in.

export type Schemas = components['schemas']
export type CaseDetail = Schemas['GetCaseResult']
export type CaseEvent = Schemas['GetCaseEvent']
export type CaseAction = Schemas['CaseAction']
export type QueueItem = Schemas['ListQueueItem']
export type QueueResult = Schemas['ListQueueResult']
export type Deadline = Schemas['DeadlineFlags']
export type Status = Schemas['ComplaintStatus']
export type Category = Schemas['ListCategoriesCategoryItem']
export type Section = Schemas['ListSectionsSection']
export type Colleague = Schemas['ListColleaguesColleague']
export type User = Schemas['ListUsersUser']
export type Rule = Schemas['ListRoutingRulesRule']
export type RuleFields = Schemas['RoutingRuleFields']
export type CalendarDay = Schemas['ListCalendarDaysDay']
export type StaffRole = Schemas['StaffRole']
export type RejectionGround = Schemas['RejectionGround']

let client: ApiClient | null = null

export function staffApi(): ApiClient {
  if (!client) {
    client = createClient<paths, 'application/json'>({ baseUrl: apiBaseUrl(), fetch: authFetch })
    client.use({
      onRequest({ request }) {
        // Problem titles, category and section names come back in the reader's language.
        request.headers.set('Accept-Language', currentLocale())
        return request
      },
    })
  }
  return client
}

interface FetchResult {
  data?: unknown
  error?: unknown
  response: Response
}

/** For answers without a body (204): success is any 2xx. */
export async function send<R extends FetchResult>(run: () => Promise<R>): Promise<Outcome<null>> {
  const outcome = await call(run)
  if (outcome.ok) return { ...outcome, data: null }
  const f = outcome.failure
  if (f.kind === 'http' && f.status >= 200 && f.status < 300)
    return { ok: true, data: null, status: f.status, headers: new Headers() }
  return outcome
}

type Translate = (key: string, params?: Record<string, unknown>) => string

/**
 * A failure in words for staff. The API's problem titles say exactly why (who may do this, why
 * not now), in the reader's language: they are shown as they are.
 */
export function problemMessage(f: Failure, t: Translate): string {
  if (f.kind === 'network') return t('staff.errors.network')
  const title = f.problem?.title?.trim()
  if (f.status === 401) return t('staff.errors.signedOut')
  if (f.status === 429) {
    if (title) return title // e.g. a wrong current password counted towards the sign-in lock
    if (f.retryAfter && f.retryAfter >= 120) return t('staff.errors.tooManyMinutes', { minutes: Math.ceil(f.retryAfter / 60) })
    return f.retryAfter ? t('staff.errors.tooManyIn', { seconds: f.retryAfter }) : t('staff.errors.tooMany')
  }
  if (f.status >= 500) return f.status === 503 ? t('staff.errors.unavailable') : t('staff.errors.server')
  if (title) return title
  if (f.status === 404) return t('staff.errors.notFound')
  if (f.status === 403) return t('staff.errors.forbidden')
  return t('staff.errors.other', { status: f.status })
}

/** Per-field messages of a 400, or null when it has none. */
export function fieldErrors(f: Failure): Record<string, string> | null {
  if (f.kind !== 'http' || f.status !== 400 || !f.problem?.errors) return null
  const out: Record<string, string> = {}
  for (const [k, messages] of Object.entries(f.problem.errors)) out[k] = messages.join(' ')
  return Object.keys(out).length ? out : null
}
