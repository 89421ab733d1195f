import { call, type Outcome } from '../../api/problem'
import type { paths } from '../../api/schema'
import { staffApi, type Schemas } from '../api'
import { saveDownload } from '../download'

// The metrics API as the dashboard reads it, through the console's typed client.

export type Figures = Schemas['Figures']
export type Rate = Schemas['Rate']
export type Period = Schemas['MetricsPeriod']
export type Summary = Schemas['GetMetricsSummaryResult']
export type Breakdown = Schemas['GetMetricsBreakdownResult']
export type BreakdownRow = Schemas['GetMetricsBreakdownRow']
export type Ranking = Schemas['GetSectionRankingResult']
export type RankingRow = Schemas['GetSectionRankingRow']
export type Overdue = Schemas['ListOverdueCasesResult']
export type OverdueRow = Schemas['ListOverdueCasesRow']

type QueryOf<P extends '/api/v1/metrics/summary' | '/api/v1/metrics/breakdown' | '/api/v1/metrics/ranking' | '/api/v1/metrics/overdue'> =
  NonNullable<paths[P]['get']['parameters']['query']>
export type SummaryQuery = QueryOf<'/api/v1/metrics/summary'>
export type BreakdownQuery = QueryOf<'/api/v1/metrics/breakdown'>
export type RankingQuery = QueryOf<'/api/v1/metrics/ranking'>
export type OverdueQuery = QueryOf<'/api/v1/metrics/overdue'>

/** The filters the dashboard applies (empty = not set). */
export interface Filters {
  from: string
  to: string
  section: string
  category: string
  township: string
}

/** The common query of every metrics route. */
export function commonQuery(f: Filters): SummaryQuery {
  return {
    from: f.from || undefined,
    to: f.to || undefined,
    section: f.section || undefined,
    category: f.category || undefined,
    township: f.township || undefined,
  }
}

export const readSummary = (query: SummaryQuery) => call(() => staffApi().GET('/api/v1/metrics/summary', { params: { query } }))
export const readBreakdown = (query: BreakdownQuery) => call(() => staffApi().GET('/api/v1/metrics/breakdown', { params: { query } }))
export const readRanking = (query: RankingQuery) => call(() => staffApi().GET('/api/v1/metrics/ranking', { params: { query } }))
export const readOverdue = (query: OverdueQuery) => call(() => staffApi().GET('/api/v1/metrics/overdue', { params: { query } }))

/** A table's CSV: the same route and query as its JSON. */
export type CsvRequest =
  | { route: 'summary'; query: SummaryQuery }
  | { route: 'breakdown'; query: BreakdownQuery }
  | { route: 'ranking'; query: RankingQuery }
  | { route: 'overdue'; query: OverdueQuery }

function fetchCsv(r: CsvRequest) {
  const blob = 'blob' as const
  switch (r.route) {
    case 'summary':
      return call(() => staffApi().GET('/api/v1/metrics/summary', { params: { query: { ...r.query, format: 'csv' } }, parseAs: blob }))
    case 'breakdown':
      return call(() => staffApi().GET('/api/v1/metrics/breakdown', { params: { query: { ...r.query, format: 'csv' } }, parseAs: blob }))
    case 'ranking':
      return call(() => staffApi().GET('/api/v1/metrics/ranking', { params: { query: { ...r.query, format: 'csv' } }, parseAs: blob }))
    case 'overdue':
      return call(() => staffApi().GET('/api/v1/metrics/overdue', { params: { query: { ...r.query, format: 'csv' } }, parseAs: blob }))
  }
}

/** The server's CSV file of a table (in the reader's language, every row), saved as a download. */
export async function downloadCsv(r: CsvRequest): Promise<Outcome<null>> {
  const outcome = await fetchCsv(r)
  if (!outcome.ok) return outcome
  saveDownload(outcome.headers, outcome.data as unknown as Blob, `metrics-${r.route}.csv`)
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
