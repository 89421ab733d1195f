import type { Rate } from './metrics'

type Translate = (key: string, params?: Record<string, unknown>) => string

/** 0.8765 → "87.65%" (the API rounds to 4 decimals: 2 in percent). */
export function percent(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined) return '—'
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 2 }).format(value)
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
  const raw = rate ? (current - previous) * 100 : current - previous
  const delta = Math.round(raw * 100) / 100
  return { delta, direction: delta > 0 ? 'up' : delta < 0 ? 'down' : 'same' }
}

/** The change in words, for the eye ("▲ 3.2") and for screen readers ("比上期上升 3.2 个百分点"). */
export function changeWords(c: Change, rate: boolean, t: Translate, locale: string): { short: string; spoken: string } {
  if (c.direction === 'none') return { short: t('staff.dashboard.change.none'), spoken: t('staff.dashboard.change.noneSpoken') }
  const n = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(Math.abs(c.delta!))
  const unit = rate ? 'points' : 'units'
  if (c.direction === 'same') return { short: t('staff.dashboard.change.same'), spoken: t('staff.dashboard.change.sameSpoken') }
  const arrow = c.direction === 'up' ? '▲' : '▼'
  return {
    short: `${arrow} ${t(`staff.dashboard.change.${unit}Short`, { n })}`,
    spoken: t(`staff.dashboard.change.${c.direction}.${unit}`, { n }),
  }
}
