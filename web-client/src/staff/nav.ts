import type { LocationQuery } from 'vue-router'

/** The queue's filters when a case was opened from it, so "back to the queue" returns to the same list. */
export const lastQueue: { query: LocationQuery } = { query: {} }
