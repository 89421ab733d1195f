import { asChannels, type NotifyChannel } from './consent'
import { readJson, remove, writeJson } from './storage'

// The half-written complaint lives in localStorage so that a reload, a crashed in-app browser or
// a switch to another app loses nothing. It is removed only after the server answered 201.

export interface Draft {
  categoryCode: string
  description: string
  township: string
  address: string
  name: string
  phone: string
  email: string
  /** Answers to the category's questions, by key (kept when the category changes back and forth). */
  answers: Record<string, string>
  /** The map pin, or null. */
  latitude: number | null
  longitude: number | null
  /** The channels the citizen agreed to be told by (unticked until they tick one). */
  notifyBy: NotifyChannel[]
}

type TextKey = Exclude<keyof Draft, 'answers' | 'latitude' | 'longitude' | 'notifyBy'>

const DRAFT_KEY = 'feedback.draft.v1'
const IDEMPOTENCY_KEY = 'feedback.submit.idempotency.v1'

export function emptyDraft(): Draft {
  return {
    categoryCode: '',
    description: '',
    township: '',
    address: '',
    name: '',
    phone: '',
    email: '',
    answers: {},
    latitude: null,
    longitude: null,
    notifyBy: [],
  }
}

export function loadDraft(): { draft: Draft; restored: boolean } {
  const stored = readJson<Partial<Record<keyof Draft, unknown>>>('local', DRAFT_KEY)
  const draft = emptyDraft()
  let restored = false
  if (stored && typeof stored === 'object') {
    for (const key of Object.keys(draft).filter((k) => typeof draft[k as keyof Draft] === 'string') as TextKey[]) {
      const v = stored[key]
      if (typeof v === 'string') {
        draft[key] = v
        if (v.trim() && key !== 'categoryCode') restored = true
      }
    }
    const answers = stored.answers
    if (answers && typeof answers === 'object' && !Array.isArray(answers)) {
      for (const [k, v] of Object.entries(answers as Record<string, unknown>)) {
        if (typeof v === 'string') {
          draft.answers[k] = v
          if (v.trim()) restored = true
        }
      }
    }
    const { latitude, longitude } = stored
    if (typeof latitude === 'number' && typeof longitude === 'number' && Number.isFinite(latitude) && Number.isFinite(longitude)) {
      draft.latitude = latitude
      draft.longitude = longitude
      restored = true
    }
    draft.notifyBy = asChannels(stored.notifyBy)
  }
  return { draft, restored }
}

export function saveDraft(d: Draft): void {
  const isEmpty =
    Object.values(d).every((v) => !v || typeof v === 'object') &&
    Object.values(d.answers).every((v) => !v) &&
    d.latitude === null
  if (isEmpty) remove('local', DRAFT_KEY)
  else writeJson('local', DRAFT_KEY, d)
}

export function clearDraft(): void {
  remove('local', DRAFT_KEY)
  remove('local', IDEMPOTENCY_KEY)
  remove('local', PHOTOS_KEY)
}

/** A photo already uploaded for the draft: its id, size and a tiny thumbnail (data: URL), so a reload keeps it. */
export interface DraftPhoto {
  id: string
  width: number
  height: number
  thumb: string
}

const PHOTOS_KEY = 'feedback.draft.photos.v1'
// The server forgets uploads no complaint took within 24 hours; so does the draft.
const PHOTO_LIFETIME_MS = 23 * 60 * 60 * 1000

export function loadDraftPhotos(): DraftPhoto[] {
  const stored = readJson<{ at?: unknown; photos?: unknown }>('local', PHOTOS_KEY)
  if (!stored || typeof stored.at !== 'number' || Date.now() - stored.at > PHOTO_LIFETIME_MS || !Array.isArray(stored.photos)) return []
  return stored.photos.filter(
    (p): p is DraftPhoto =>
      !!p && typeof p.id === 'string' && typeof p.width === 'number' && typeof p.height === 'number' && typeof p.thumb === 'string',
  )
}

export function saveDraftPhotos(photos: DraftPhoto[]): void {
  if (!photos.length) remove('local', PHOTOS_KEY)
  else if (!writeJson('local', PHOTOS_KEY, { at: Date.now(), photos }))
    // Storage full: keep the ids at least, without thumbnails.
    writeJson('local', PHOTOS_KEY, { at: Date.now(), photos: photos.map((p) => ({ ...p, thumb: '' })) })
}

/**
 * The Idempotency-Key for a request body: the same body retried (after a lost connection, even
 * after a reload) carries the same key, so the server can store it once; a changed body gets a new
 * key. The API answers a repeated key with the original 201 (tracking code and password included)
 * and files nothing new.
 */
export function idempotencyKeyFor(body: string): string {
  const stored = readJson<{ key?: unknown; body?: unknown }>('local', IDEMPOTENCY_KEY)
  if (stored && stored.body === body && typeof stored.key === 'string') return stored.key
  const key = newUuid()
  writeJson('local', IDEMPOTENCY_KEY, { key, body })
  return key
}

function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') {
    try {
      return crypto.randomUUID()
    } catch {
      /* not a secure context */
    }
  }
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
