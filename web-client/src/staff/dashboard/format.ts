import type { Rate } from './metrics'

type Translate = (key: string, params?: Record<string, unknown>) => string

// One rule for every rate in the console (tiles, tables, charts, changes): percentages with one
// decimal, "87.7%", and changes in percentage points with one decimal. The CSV exports keep the
// API's four decimals of the fraction for anyone recomputing.

/** 0.8765 → "87.7%". */
export function percent(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined) return '—'
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value)
}

/** 0.8765 → 87.7: a rate as a chart plots it (percent, the same one decimal). */
export function percentPoints(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 10
}

export function count(n: number | null | undefined, locale: string): string {
  if (n === null || n === undefined) return '—'
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n)
}

/** Hours with one decimal, or a dash. */
export function hours(h: number | null | undefined, locale: string): string {
  if (h === null || h === undefined) return '—'
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(h)
}

/** "87 / 100" (satisfaction's numerator may be fractional). */
export function fraction(r: Rate, locale: string): string {
  return `${count(r.numerator, locale)} / ${count(r.denominator, locale)}`
}

export interface Change {
  /** Percentage points (rates) or units (counts), rounded; null when either side has no value. */
  delta: number | null
  direction: 'up' | 'down' | 'same' | 'none'
}

/** Change between two values; rates (0–1) in percentage points. */
export function change(current: number | null, previous: number | null, rate: boolean): Change {
  if (current === null || previous === null) return { delta: null, direction: 'none' }
  const delta = rate ? percentPoints(current - previous)! : Math.round((current - previous) * 100) / 100
  return { delta, direction: delta > 0 ? 'up' : delta < 0 ? 'down' : 'same' }
}

/** The change in words, for the eye ("▲ 3.2") and for screen readers ("比上期上升 3.2 个百分点"). */
export function changeWords(c: Change, rate: boolean, t: Translate, locale: string): { short: string; spoken: string } {
  if (c.direction === 'none') return { short: t('staff.dashboard.change.none'), spoken: t('staff.dashboard.change.noneSpoken') }
  const n = new Intl.NumberFormat(locale, rate ? { minimumFractionDigits: 1, maximumFractionDigits: 1 } : { maximumFractionDigits: 2 }).format(
    Math.abs(c.delta!),
  )
  const unit = rate ? 'points' : 'units'
  if (c.direction === 'same') return { short: t('staff.dashboard.change.same'), spoken: t('staff.dashboard.change.sameSpoken') }
  const arrow = c.direction === 'up' ? '▲' : '▼'
  return {
    short: `${arrow} ${t(`staff.dashboard.change.${unit}Short`, { n })}`,
    spoken: t(`staff.dashboard.change.${c.direction}.${unit}`, { n }),
  }
}

/** An ISO week as people write it: "第45周 11月2日–8日" / "Week 45, 2–8 Nov" (key "2026-W45", the week's days). */
export function weekLabel(key: string, days: { from: string; to: string }, t: Translate, locale: string): string {
  const week = Number(key.slice(key.indexOf('W') + 1))
  const [from, to] = [days.from, days.to].map((d) => new Date(`${d}T00:00:00Z`)) as [Date, Date]
  const zh = locale.startsWith('zh')
  const day = (d: Date) => (zh ? `${d.getUTCDate()}日` : String(d.getUTCDate()))
  const month = (d: Date) => new Intl.DateTimeFormat(zh ? 'zh-CN' : 'en-GB', { month: zh ? 'numeric' : 'short', timeZone: 'UTC' }).format(d)
  const sameMonth = from.getUTCMonth() === to.getUTCMonth()
  const range = zh
    ? `${month(from)}${day(from)}–${sameMonth ? '' : month(to)}${day(to)}`
    : sameMonth
      ? `${day(from)}–${day(to)} ${month(to)}`
      : `${day(from)} ${month(from)} – ${day(to)} ${month(to)}`
  return t('staff.dashboard.weekLabel', { week, range })
}
