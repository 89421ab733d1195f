import { api } from '../api/client'
import { call, type Outcome } from '../api/problem'
import type { components } from '../api/schema'
import { DEVICE_TOKEN_HEADER, deviceToken } from './device'

// "Similar open cases nearby" before filing, and "me too" on one of them (one per device).

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

export function supportCase(trackingCode: string): Promise<Outcome<SupportResult>> {
  return call(() =>
    api().POST('/api/v1/complaints/{trackingCode}/support', {
      params: { path: { trackingCode }, header: { [DEVICE_TOKEN_HEADER]: deviceToken() } },
    }),
  )
}

/** A calendar date "yyyy-MM-dd" as "2026年11月27日" / "Nov 27, 2026": the same day everywhere. */
export function shortDate(ymd: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd)
  if (!m) return ymd
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d)
}
