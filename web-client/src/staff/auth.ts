import { computed, reactive } from 'vue'
import { api } from '../api/client'
import { call, type Outcome } from '../api/problem'
import type { components } from '../api/schema'
import { readJson, remove, writeJson } from '../lib/storage'
import { staffApi } from './api'

// The staff session: tokens in sessionStorage (this tab only, gone when it closes; never
// localStorage), the access token refreshed shortly before it expires and once after a 401.
// Each refresh token works once and presenting a used one ends the session, so refreshes are
// single-flight: however many requests need a fresh token at once, one refresh is sent and the
// others wait for it. A tab opened as a copy of another (duplicated, or opened from a link) starts
// with a copy of its sessionStorage, so several tabs can hold the same refresh token: across tabs,
// a Web Lock lets one of them refresh and a BroadcastChannel hands the new pair to the others.

export type Profile = components['schemas']['GetProfileResult']
export type StaffRole = components['schemas']['StaffRole']
type TokenPair = components['schemas']['TokenPair']

interface Session {
  accessToken: string
  refreshToken: string
  /** When the access token expires (ms since the epoch, this device's clock). */
  expiresAt: number
  profile: Profile | null
}

/** Why the last session ended: told on the sign-in page. */
export type EndReason = 'expired' | 'signedOut' | 'passwordChanged'

const KEY = 'feedback.staff.session.v1'
/** Refresh this long before the access token expires. */
const MARGIN_MS = 60_000

const state = reactive<{ session: Session | null; ended: EndReason | null }>({ session: load(), ended: null })
let inFlight: Promise<boolean> | null = null
let timer: number | undefined

export const auth = {
  signedIn: computed(() => state.session !== null),
  profile: computed(() => state.session?.profile ?? null),
  ended: computed(() => state.ended),
  accessToken: () => state.session?.accessToken ?? null,
}

export function isCaseWorker(role: StaffRole | undefined): boolean {
  return role !== undefined && role !== 'admin'
}

/** Who reads the metrics: leaders and administrators all of them, a section head their section's. */
export function seesDashboard(role: StaffRole | undefined): boolean {
  return role === 'leader' || role === 'admin' || role === 'section_head'
}

function load(): Session | null {
  const s = readJson<Partial<Session>>('session', KEY)
  if (!s || typeof s.accessToken !== 'string' || typeof s.refreshToken !== 'string' || typeof s.expiresAt !== 'number')
    return null
  return { accessToken: s.accessToken, refreshToken: s.refreshToken, expiresAt: s.expiresAt, profile: s.profile ?? null }
}

function save(): void {
  if (state.session) writeJson('session', KEY, state.session)
  else remove('session', KEY)
}

/** A token pair with its expiry as a moment, so a pair handed to another tab keeps its expiry. */
interface Rotation {
  accessToken: string
  refreshToken: string
  expiresAt: number
}

function setTokens(pair: TokenPair): Rotation {
  const rotation = { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: Date.now() + pair.expiresIn * 1000 }
  adopt(rotation)
  return rotation
}

function adopt({ accessToken, refreshToken, expiresAt }: Rotation): void {
  state.session = {
    accessToken,
    refreshToken,
    expiresAt,
    profile: state.session?.profile ?? null,
  }
  state.ended = null
  save()
  schedule()
}

/** Refreshes a minute before expiry while the tab is open (requests also check, for sleeping tabs). */
function schedule(): void {
  window.clearTimeout(timer)
  if (!state.session) return
  const wait = Math.max(0, state.session.expiresAt - MARGIN_MS - Date.now())
  timer = window.setTimeout(() => void refreshTokens(), wait)
}
if (state.session) schedule()

export function endSession(reason: EndReason): void {
  window.clearTimeout(timer)
  state.session = null
  state.ended = reason
  save()
}

/**
 * Trades the refresh token for a new pair, once for all callers waiting at the same time.
 * Resolves false when the session is over (the caller then gets its 401) or the network failed.
 */
export function refreshTokens(): Promise<boolean> {
  inFlight ??= doRefresh(state.session?.accessToken ?? null).finally(() => {
    inFlight = null
  })
  return inFlight
}

// ---- tabs sharing one session ----------------------------------------------------------------
const LOCK = 'feedback.staff.refresh'
/** How long a tab waits for another tab to say what a refresh token was already traded for (generous: a busy machine answers slowly, and guessing wrong ends the session). */
const ASK_MS = 600
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('feedback.staff.session') : null
/** New pairs, by the refresh token they replaced: what this or another tab already traded it for. */
const rotations = new Map<string, Rotation>()
const waiting = new Map<string, (to: Rotation) => void>()

type Message = { type?: unknown; from?: unknown; to?: Rotation }

function learn(from: string, to: Rotation): void {
  rotations.set(from, to)
  waiting.get(from)?.(to)
  // This tab holds the token another tab just traded: continue with the new pair.
  if (state.session?.refreshToken === from) adopt(to)
}

channel?.addEventListener('message', (event: MessageEvent) => {
  const m = event.data as Message | null
  if (typeof m?.from !== 'string') return
  if (m.type === 'rotated' && m.to && typeof m.to.refreshToken === 'string') learn(m.from, m.to)
  // A tab (reloaded, or opened later) still holds a token this tab knows the successor of.
  if (m.type === 'ask' && rotations.has(m.from)) channel.postMessage({ type: 'rotated', from: m.from, to: rotations.get(m.from) })
})

function askOtherTabs(from: string): Promise<Rotation | null> {
  const known = rotations.get(from)
  if (known || !channel) return Promise.resolve(known ?? null)
  return new Promise((resolve) => {
    const timeout = window.setTimeout(() => {
      waiting.delete(from)
      resolve(null)
    }, ASK_MS)
    waiting.set(from, (to) => {
      window.clearTimeout(timeout)
      waiting.delete(from)
      resolve(to)
    })
    channel.postMessage({ type: 'ask', from })
  })
}

/** Replaces the pair whose access token is `stale` (expiring, or refused by the server). */
async function doRefresh(stale: string | null): Promise<boolean> {
  const run = () => refreshNow(stale)
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  return locks ? locks.request(LOCK, run) : run()
}

/** Inside the lock: take the pair another tab already got, or ask the server for one. */
async function refreshNow(stale: string | null): Promise<boolean> {
  // Follow what other tabs traded (a tab reloaded after two refreshes may be two tokens behind).
  for (let hop = 0; hop < 5; hop++) {
    const current = state.session
    if (!current) return false
    if (current.accessToken !== stale) return true // renewed while this tab waited for the lock
    const to = await askOtherTabs(current.refreshToken)
    if (!to) break
    if (state.session === current) adopt(to)
    if (to.expiresAt - Date.now() < MARGIN_MS) stale = to.accessToken // that one is old too: go on
  }
  const session = state.session
  if (!session) return false
  if (session.accessToken !== stale) return true
  const from = session.refreshToken
  const outcome = await call(() => api().POST('/api/v1/auth/refresh', { body: { refreshToken: from } }))
  if (state.session !== session) return state.session !== null // signed out, or another tab's pair arrived
  if (outcome.ok) {
    const to = setTokens(outcome.data)
    rotations.set(from, to)
    channel?.postMessage({ type: 'rotated', from, to })
    return true
  }
  // A refused token (used, revoked, expired) ends the session; a network failure keeps it for a retry.
  if (outcome.failure.kind === 'http' && outcome.failure.status < 500) endSession('expired')
  return false
}

/** Before a request: a fresh access token if this one expires within the margin. */
export async function ensureFresh(): Promise<void> {
  if (state.session && state.session.expiresAt - Date.now() < MARGIN_MS) await refreshTokens()
}

function authorised(request: Request, token: string | null): Request {
  const r = new Request(request)
  if (token) r.headers.set('Authorization', `Bearer ${token}`)
  return r
}

/** fetch for the console's API client: bearer token, refresh ahead of expiry, one retry after a 401. */
export async function authFetch(request: Request): Promise<Response> {
  await ensureFresh()
  const spare = request.clone() // the body, kept for the retry
  const token = auth.accessToken()
  const first = await fetch(authorised(request, token))
  if (first.status !== 401 || !token) return first
  // Another request may have refreshed already; otherwise refresh (or join the refresh running).
  const renewed = auth.accessToken() !== token || (await refreshTokens())
  const next = auth.accessToken()
  if (!renewed || !next || next === token) return first
  return fetch(authorised(spare, next))
}

export type LoginFailure = { kind: 'credentials' } | { kind: 'locked'; minutes: number | null } | { kind: 'other'; outcome: Outcome<never> }

/** Signs in and reads the profile. */
export async function login(username: string, password: string): Promise<{ ok: true } | { ok: false; failure: LoginFailure }> {
  const outcome = await call(() => api().POST('/api/v1/auth/login', { body: { username, password } }))
  if (!outcome.ok) {
    const f = outcome.failure
    if (f.kind === 'http' && f.status === 401) return { ok: false, failure: { kind: 'credentials' } }
    if (f.kind === 'http' && f.status === 429)
      return { ok: false, failure: { kind: 'locked', minutes: f.retryAfter === null ? null : Math.max(1, Math.ceil(f.retryAfter / 60)) } }
    return { ok: false, failure: { kind: 'other', outcome } }
  }
  state.session = null
  setTokens(outcome.data)
  const profile = await loadProfile()
  if (!profile.ok) {
    endSession('signedOut')
    return { ok: false, failure: { kind: 'other', outcome: profile } }
  }
  return { ok: true }
}

/** Reads (or rereads) who is signed in. */
export async function loadProfile(): Promise<Outcome<Profile>> {
  const outcome = await call(() => staffApi().GET('/api/v1/auth/me'))
  if (outcome.ok && state.session) {
    state.session.profile = outcome.data
    save()
  }
  return outcome
}

/** Ends the session on the server (best effort) and here. */
export async function logout(): Promise<void> {
  const session = state.session
  endSession('signedOut')
  if (session) await call(() => api().POST('/api/v1/auth/logout', { body: { refreshToken: session.refreshToken } }))
}
