import type { CaseEvent, Deadline, Section, Status } from './api'
import { formatDateTime } from '../lib/format'
import { actionEventDetail } from './actions'
import { text } from './actions/spec'

type Translate = (key: string, params?: Record<string, unknown>) => string

export type DeadlineTone = 'overdue' | 'soon' | 'ok' | 'none'

/** "还剩 2 个工作日", "今天到期", "已超期 3 个工作日" — and how urgent it is. */
export function deadlineWords(d: Deadline, t: Translate): { text: string; tone: DeadlineTone } {
  const left = d.workingDaysLeft
  if (left === null || left === undefined) return { text: '', tone: 'none' }
  if (d.overdue) {
    // Seen on a weekend after a Friday deadline: passed, but no working day has gone by yet.
    return { text: left < 0 ? t('staff.deadline.overdueBy', { n: -left }) : t('staff.deadline.overdue'), tone: 'overdue' }
  }
  if (left === 0) return { text: t('staff.deadline.today'), tone: 'soon' }
  return { text: t('staff.deadline.left', { n: left }), tone: d.dueSoon ? 'soon' : 'ok' }
}

/** Which clock runs: acceptance (待受理) or resolution (after acceptance). */
export function deadlineKind(status: Status): 'accept' | 'resolve' | null {
  if (status === 'submitted') return 'accept'
  if (status === 'accepted' || status === 'in_progress') return 'resolve'
  return null
}

export function statusName(status: string, t: Translate, te: (key: string) => boolean): string {
  return te(`status.${status}`) ? t(`status.${status}`) : status
}

/** "2026-03-18" → "2026年3月18日" (a date of the bureau's calendar, the same everywhere). */
export function shortDate(ymd: string | null | undefined, locale: string): string {
  if (!ymd) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd)
  if (!m) return ymd
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short', timeZone: 'UTC' }).format(d)
}

export function dateTime(iso: string, locale: string): string {
  return formatDateTime(iso, locale)
}

/**
 * One timeline event for staff: a heading and the details that belong to its type. The event's
 * message (a note, a reply, a reason) is always shown as its own text, never mixed into markup.
 */
export function describeEvent(
  e: CaseEvent,
  sections: Section[],
  t: Translate,
  te: (key: string) => boolean,
  locale: string,
): { title: string; detail: string } {
  const data = (e.data ?? {}) as Record<string, unknown>
  const section = (code: string) => sections.find((s) => s.code === code)?.name ?? code
  const title = te(`staff.events.${e.type}`) ? t(`staff.events.${e.type}`) : e.type
  const written = actionEventDetail(e.type)
  if (written) return { title, detail: written(data, { t, te, section, date: (ymd) => shortDate(ymd, locale) }) }
  let detail = ''
  switch (e.type) {
    case 'submitted': {
      const channel = text(data, 'channel')
      detail =
        !channel || channel === 'web'
          ? t('staff.events.submittedWeb')
          : channel === 'open311'
            ? t('staff.events.submittedOpen311')
            : t('staff.events.submittedBy', { channel: te(`staff.channels.${channel}`) ? t(`staff.channels.${channel}`) : channel })
      break
    }
    case 'routed': {
      const rule = text(data, 'ruleName')
      detail = rule
        ? t('staff.events.routedRule', { section: section(text(data, 'sectionCode')), rule })
        : t('staff.events.routedDefault', { section: section(text(data, 'sectionCode')) })
      break
    }
    case 'evaluated':
      detail = t('staff.followUp.evaluatedDetail', {
        solved: t(`staff.followUp.solvedValue.${text(data, 'solved')}`),
        satisfaction: t(`staff.followUp.satisfactionValue.${text(data, 'satisfaction')}`),
      })
      break
    case 'review_requested':
      detail = data.resolveBy ? t('staff.events.acceptedDetail', { date: shortDate(text(data, 'resolveBy'), locale) }) : ''
      break
    case 'closed':
      detail = t(data.reason === 'evaluated' ? 'staff.followUp.closedEvaluated' : 'staff.followUp.closedWindow')
      break
    case 'supplement': {
      const photos = Array.isArray(data.photoIds) ? data.photoIds.length : 0
      return { title: t('staff.photos.supplement'), detail: photos ? t('staff.photos.supplementPhotos', { n: photos }) : '' }
    }
    case 'reminder':
      detail = t('staff.events.reminderDetail', {
        kind: t(data.deadline === 'accept' ? 'staff.deadline.accept' : 'staff.deadline.resolve'),
        date: shortDate(text(data, 'due'), locale),
      })
      break
  }
  return { title, detail }
}
