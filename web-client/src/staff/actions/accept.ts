import type { ActionSpec } from './spec'
import { bilingual, text } from './spec'

/** 受理: one click, no form. */
export const spec: ActionSpec = {
  code: 'accept',
  path: '/accept',
  order: 0,
  events: {
    accepted: (data, { t, date }) => (data.resolveBy ? t('staff.events.acceptedDetail', { date: date(text(data, 'resolveBy')) }) : ''),
  },
  words: bilingual(
    {
      actions: {
        accept: '受理',
        acceptButton: '受理此案件',
        done: {
          accept: '已受理。',
        },
      },
      events: {
        accepted: '受理',
      },
    },
    {
      actions: {
        accept: 'Accept',
        acceptButton: 'Accept this case',
        done: {
          accept: 'Accepted.',
        },
      },
      events: {
        accepted: 'Accepted',
      },
    },
  ),
}
