// The queue's counts per status, as the tabs and the line above the list show them.

export const STATUSES = ['submitted', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected', 'merged'] as const
export type QueueStatus = (typeof STATUSES)[number]
export const OPEN: readonly QueueStatus[] = ['submitted', 'accepted', 'in_progress']

/**
 * Cases in these statuses, or null when the answer had no counts: a search with more than one page
 * of matches is answered from its first matches, without counting them all (the user may ask).
 */
export function countOf(counts: Record<string, number> | null, statuses: readonly QueueStatus[]): number | null {
  return counts === null ? null : statuses.reduce((n, s) => n + (counts[s] ?? 0), 0)
}

/** The tabs: every open case, then each status, each with its count (null: not counted). */
export function statusTabs(counts: Record<string, number> | null): { status: QueueStatus | ''; count: number | null }[] {
  return [{ status: '', count: countOf(counts, OPEN) }, ...STATUSES.map((s) => ({ status: s, count: countOf(counts, [s]) }))]
}
