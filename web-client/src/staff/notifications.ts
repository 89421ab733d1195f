// Pure helpers of the notification pages (no Vue, no API client), so node's test runner checks them.

export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'dead', 'cancelled'] as const
export const OUTBOX_CHANNELS = ['sms', 'email'] as const

export interface OutboxFilters {
  state: string
  channel: string
  kind: string
  from: string
  to: string
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** The filters in a route's query; anything the API would refuse (an old or edited link) is dropped. */
export function outboxFiltersFromQuery(query: Record<string, unknown>): OutboxFilters {
  const s = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : '')
  const oneOf = (value: string, allowed: readonly string[]) => (allowed.includes(value) ? value : '')
  return {
    state: oneOf(s('state'), OUTBOX_STATES),
    channel: oneOf(s('channel'), OUTBOX_CHANNELS),
    // A kind's code; the API refuses one it does not know, and the page says so.
    kind: /^[a-z][a-z_]{0,39}$/.test(s('kind')) ? s('kind') : '',
    from: DAY.test(s('from')) ? s('from') : '',
    to: DAY.test(s('to')) ? s('to') : '',
  }
}

/** The route query for the filters: only those set, so an unfiltered list has a clean URL. */
export function outboxFiltersToQuery(f: OutboxFilters): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(f)) if (v) out[k] = v
  return out
}

/** The API's query for one page: the filters set and, after the first page, the cursor. */
export function outboxApiQuery(f: OutboxFilters, before?: string | null): Record<string, string | undefined> {
  return {
    state: f.state || undefined,
    channel: f.channel || undefined,
    kind: f.kind || undefined,
    from: f.from || undefined,
    to: f.to || undefined,
    before: before || undefined,
  }
}

/** A delivery delay in the unit a person reads best: seconds, minutes up to two hours, then hours. */
export function delayParts(seconds: number | null | undefined): { n: number; unit: 'seconds' | 'minutes' | 'hours' } | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return null
  const one = (x: number) => Math.round(x * 10) / 10
  if (seconds < 60) return { n: one(seconds), unit: 'seconds' }
  if (seconds < 2 * 3600) return { n: one(seconds / 60), unit: 'minutes' }
  return { n: one(seconds / 3600), unit: 'hours' }
}

/** The first `max` characters as a person counts them (an emoji is one), with "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text
}

/** "8:00" for an hour of the day. */
export function hourLabel(hour: number): string {
  return `${hour}:00`
}

/** The form's control that a field of the settings' 400 answer belongs to ("kinds[0].enabled" → the kinds). */
export function settingsFieldOf(key: string): 'email' | 'digestHour' | 'kinds' | null {
  const head = key.split(/[.[]/)[0]!.toLowerCase()
  if (head === 'email') return 'email'
  if (head === 'digesthour') return 'digestHour'
  if (head === 'kinds') return 'kinds'
  return null
}

/** The PUT body: no address is null (no email), and every kind's choice is sent. */
export function settingsBody(
  email: string,
  digestHour: number,
  kinds: readonly { kind: string; enabled: boolean }[],
): { email: string | null; digestHour: number; kinds: { kind: string; enabled: boolean }[] } {
  const trimmed = email.trim()
  return { email: trimmed || null, digestHour, kinds: kinds.map(({ kind, enabled }) => ({ kind, enabled })) }
}
