import type { ActionSpec } from './spec'
import { text } from './spec'

/** 受理: one click, no form. */
export const spec: ActionSpec = {
  code: 'accept',
  path: '/accept',
  order: 0,
  events: {
    accepted: (data, { t, date }) => (data.resolveBy ? t('staff.events.acceptedDetail', { date: date(text(data, 'resolveBy')) }) : ''),
  },
}
