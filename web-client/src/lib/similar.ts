import { api } from '../api/client'
import { call, type Outcome } from '../api/problem'
import type { components } from '../api/schema'
import { DEVICE_TOKEN_HEADER, deviceToken } from './device'
import { readJson, writeJson } from './storage'

// "Similar open cases nearby" before filing, "me too" on one of them (one per device), and the
// cases this device supported, kept in localStorage so the citizen can follow them. A case is named
// by its public support id: it opens nothing but these, and it is not the tracking code.

export type SimilarCase = components['schemas']['ListSimilarComplaintsItem']
export type SupportResult = components['schemas']['SupportComplaintResult']

export interface Place {
  categoryCode: string
  township?: string | null
  lat?: number | null
  lng?: number | null
}

/** The query for a place, or null when there is nothing to look for: no category, or neither township nor pin. */
export function similarQuery(place: Place): { categoryCode: string; township?: string; lat?: string; lng?: string } | null {
  const township = place.township?.trim()
  const pinned = typeof place.lat === 'number' && typeof place.lng === 'number'
  if (!place.categoryCode || (!township && !pinned)) return null
  return {
    categoryCode: place.categoryCode,
    ...(township ? { township } : {}),
    ...(pinned ? { lat: place.lat!.toFixed(6), lng: place.lng!.toFixed(6) } : {}),
  }
}

export function findSimilar(query: NonNullable<ReturnType<typeof similarQuery>>, signal: AbortSignal) {
  return call(() => api().GET('/api/v1/complaints/similar', { params: { query }, signal }))
}

export function supportCase(supportId: string): Promise<Outcome<SupportResult>> {
  return call(() =>
    api().POST('/api/v1/complaints/similar/{supportId}/support', {
      params: { path: { supportId }, header: { [DEVICE_TOKEN_HEADER]: deviceToken() } },
    }),
  )
}

export function getSupportedCase(supportId: string): Promise<Outcome<SimilarCase>> {
  return call(() => api().GET('/api/v1/complaints/similar/{supportId}', { params: { path: { supportId } } }))
}

const FOLLOWED_KEY = 'feedback.followed.v1'
/** Enough for anyone; the oldest go first. */
const MAX_FOLLOWED = 20

/** A case this device said "me too" to: its id and what to call it while its status loads. */
export interface FollowedCase {
  supportId: string
  categoryName: string
  place: string | null
  supportedAt: string
}

export function followedCases(): FollowedCase[] {
  const list = readJson<FollowedCase[]>('local', FOLLOWED_KEY)
  return Array.isArray(list) ? list.filter((c) => typeof c?.supportId === 'string') : []
}

export function follow(item: SimilarCase): void {
  const rest = followedCases().filter((c) => c.supportId !== item.supportId)
  const entry: FollowedCase = {
    supportId: item.supportId,
    categoryName: item.categoryName,
    place: item.place ?? item.township ?? null,
    supportedAt: new Date().toISOString(),
  }
  writeJson('local', FOLLOWED_KEY, [entry, ...rest].slice(0, MAX_FOLLOWED))
}

export function unfollow(supportId: string): void {
  writeJson('local', FOLLOWED_KEY, followedCases().filter((c) => c.supportId !== supportId))
}

/**
 * "3 小时前" / "3 hours ago", from an instant the API gives to the hour; null within the first
 * hour, which the page words itself.
 */
export function timeAgo(iso: string, locale: string, now: number = Date.now()): string | null {
  const hours = Math.floor((now - Date.parse(iso)) / 3_600_000)
  if (!(hours >= 1)) return null
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  return hours < 24 ? format.format(-hours, 'hour') : format.format(-Math.floor(hours / 24), 'day')
}

/** A calendar date "yyyy-MM-dd" as "2026年11月27日" / "Nov 27, 2026": the same day everywhere. */
export function shortDate(ymd: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd)
  if (!m) return ymd
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d)
}
