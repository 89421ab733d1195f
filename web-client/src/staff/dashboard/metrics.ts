import { call, type Outcome } from '../../api/problem'
import { staffApi } from '../api'

// The metrics API as the dashboard reads it (contract: the lead's metrics notes; types below
// mirror it until the generated ones are merged).

export interface Rate {
  value: number | null
  numerator: number
  denominator: number
}
export interface Hours {
  median: number | null
  p90: number | null
  count: number
}
export interface Figures {
  volume: number
  merged: number
  accepted: number
  rejected: number
  awaitingDecision: number
  acceptanceShare: Rate
  responseRate: Rate
  onTimeRate: Rate
  resolutionRate: Rate
  satisfactionRate: Rate
  composite: number | null
  evaluations: number
  reviewRate: Rate
  hoursToDecide: Hours
  hoursToResolve: Hours
  backlog: number
  overdue: number
  supports: number
}
export interface Period {
  from: string
  to: string
}
export interface MetricsConfig {
  weights: { response: number; resolution: number; satisfaction: number }
  basicallySatisfiedFactor: number
  minimumEvaluations: number
}
export interface Summary {
  period: Period
  previousPeriod: Period
  config: MetricsConfig
  current: Figures
  previous: Figures
}
export interface BreakdownRow {
  key: string
  label: string
  period: Period
  latitude?: number | null
  longitude?: number | null
  figures: Figures
}
export interface Breakdown {
  by: string
  period: Period
  config: MetricsConfig
  rows: BreakdownRow[]
}
export interface RankingRow {
  rank: number | null
  section: string
  label: string
  evaluations: number
  composite: number | null
  responseRate: Rate
  resolutionRate: Rate
  satisfactionRate: Rate
  unrankedReason: string | null
}
export interface Ranking {
  period: Period
  config: MetricsConfig
  rows: RankingRow[]
}
export interface OverdueRow {
  id: number
  trackingCode: string
  section: string
  sectionLabel: string
  category: string
  categoryLabel: string
  township: string | null
  status: string
  stage: 'acceptance' | 'resolution'
  dueOn: string
  daysOverdue: number
  remindersSent: number
}
export interface Overdue {
  asOf: string
  total: number
  rows: OverdueRow[]
}

export type BreakdownBy = 'section' | 'category' | 'group' | 'township' | 'channel' | 'month' | 'week'
export type Route = 'summary' | 'breakdown' | 'ranking' | 'overdue'
export type Query = Record<string, string | number | undefined>

/** The filters the dashboard applies (empty = not set). */
export interface Filters {
  from: string
  to: string
  section: string
  category: string
  township: string
}

/** The common query of the period routes; ranking takes only the period, overdue only the rest. */
export function commonQuery(f: Filters): Query {
  return {
    from: f.from || undefined,
    to: f.to || undefined,
    section: f.section || undefined,
    category: f.category || undefined,
    township: f.township || undefined,
  }
}

function path(route: Route): string {
  return `/api/v1/metrics/${route}`
}

type Untyped = { GET: (path: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }> }

/** One metrics route as JSON. */
export function read<T>(route: Route, query: Query): Promise<Outcome<T>> {
  const client = staffApi() as unknown as Untyped
  return call(() => client.GET(path(route), { params: { query } })) as Promise<Outcome<T>>
}

/** The same route as the server's CSV file (what the table shows, in the reader's language), saved as a download. */
export async function downloadCsv(route: Route, query: Query): Promise<Outcome<null>> {
  const client = staffApi() as unknown as Untyped
  const outcome = await call(() => client.GET(path(route), { params: { query: { ...query, format: 'csv' } }, parseAs: 'blob' }))
  if (!outcome.ok) return outcome
  const name = /filename="([^"]+)"/.exec(outcome.headers.get('Content-Disposition') ?? '')?.[1] ?? `metrics-${route}.csv`
  const url = URL.createObjectURL(outcome.data as Blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return { ...outcome, data: null }
}

// ---- periods ------------------------------------------------------------------------------------
export type QuickPick = 'thisMonth' | 'lastMonth' | 'thisQuarter' | 'thisYear' | 'last30'
export const QUICK_PICKS: QuickPick[] = ['thisMonth', 'lastMonth', 'thisQuarter', 'thisYear', 'last30']

function ymd(y: number, m: number, d: number): string {
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.toISOString().slice(0, 10)
}

/** A quick pick's dates, counted from the bureau's today (yyyy-MM-dd, as the server said it). */
export function quickPeriod(pick: QuickPick, today: string): Period {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  switch (pick) {
    case 'thisMonth':
      return { from: ymd(y, m, 1), to: today }
    case 'lastMonth':
      return { from: ymd(y, m - 1, 1), to: ymd(y, m, 0) }
    case 'thisQuarter':
      return { from: ymd(y, Math.floor((m - 1) / 3) * 3 + 1, 1), to: today }
    case 'thisYear':
      return { from: ymd(y, 1, 1), to: today }
    case 'last30':
      return { from: ymd(y, m, d - 29), to: today }
  }
}

/** The bureau's date today as far as this device can tell (until the server has said it). */
export function localToday(): string {
  const now = new Date()
  return ymd(now.getFullYear(), now.getMonth() + 1, now.getDate())
}

export function spanDays(p: Period): number {
  return Math.round((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000) + 1
}
