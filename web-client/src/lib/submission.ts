import type { components } from '../api/schema'
import type { NotifyChannel } from './consent'
import { readJson, writeJson } from './storage'

// The 201 answer is the citizen's only key to the case: kept in sessionStorage so the
// "submitted" page survives a reload (the tab's own storage; gone when the tab is closed).

export type SubmitComplaintResult = components['schemas']['SubmitComplaintResult']

export interface StoredSubmission {
  result: SubmitComplaintResult
  categoryName?: string
  /** The channels the citizen agreed to be told by: a receipt is on its way there. */
  notifyBy?: NotifyChannel[]
}

const KEY = 'feedback.submission.v1'
// Where sessionStorage is refused (some in-app browsers), the page still shows the result once.
let inMemory: StoredSubmission | null = null

export function storeSubmission(s: StoredSubmission): void {
  inMemory = s
  writeJson('session', KEY, s)
}

export function loadSubmission(): StoredSubmission | null {
  const s = readJson<StoredSubmission>('session', KEY)
  return s && s.result && typeof s.result.trackingCode === 'string' ? s : inMemory
}
