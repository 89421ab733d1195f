import { test } from 'node:test'
import assert from 'node:assert/strict'
import { countOf, statusTabs } from './queueCounts.ts'

test('the open tab adds up the three open statuses; a status the answer leaves out has none', () => {
  const counts = { submitted: 3, accepted: 2, in_progress: 1, closed: 40 }
  assert.equal(countOf(counts, ['submitted', 'accepted', 'in_progress']), 6)
  assert.equal(countOf(counts, ['merged']), 0)
  assert.deepEqual(
    statusTabs(counts).map((tab) => tab.count),
    [6, 3, 2, 1, 0, 40, 0, 0],
  )
})

test('an answer without counts (a search with more than one page) shows no number anywhere, not zero', () => {
  assert.equal(countOf(null, ['submitted']), null)
  assert.ok(statusTabs(null).every((tab) => tab.count === null))
  assert.deepEqual(
    statusTabs(null).map((tab) => tab.status),
    ['', 'submitted', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected', 'merged'],
  )
})
