import { api } from '../api/client'
import { call } from '../api/problem'
import type { NotifyChannel } from './consent'

// The channels this installation sends by (none, one or both), asked once per page load: the
// submission form offers exactly these, the tracking page offers them for a lost password.

let offered: Promise<NotifyChannel[]> | null = null

export function offeredChannels(): Promise<NotifyChannel[]> {
  offered ??= call(() => api().GET('/api/v1/notification-channels')).then((outcome) => {
    // Offline or failed: offer nothing now, and ask again next time.
    if (!outcome.ok) offered = null
    return outcome.ok ? outcome.data.channels : []
  })
  return offered
}
