import type { ActionSpec } from './spec'
import { bilingual } from './spec'
import TextForm, { textAction } from './TextForm.vue'

/** A public reply: the citizen reads it on the tracking page. */
export const spec: ActionSpec = {
  ...textAction('reply', '/replies', 10),
  form: TextForm,
  words: bilingual(
    {
      actions: {
        reply: '公开答复',
        replyTitle: '公开答复群众',
        replyButton: '发送答复',
        replyText: '答复内容（群众可见）',
        replyHint: '会显示在群众的查询页面上，请使用规范、易懂的语言。',
        done: {
          reply: '答复已发送，群众可以在查询页面看到。',
        },
      },
      events: {
        reply: '答复',
      },
    },
    {
      actions: {
        reply: 'Public reply',
        replyTitle: 'Reply to the citizen',
        replyButton: 'Send reply',
        replyText: 'Reply (shown to the citizen)',
        replyHint: 'The citizen reads it on the tracking page: plain, polite words.',
        done: {
          reply: 'Reply sent; the citizen can read it on the tracking page.',
        },
      },
      events: {
        reply: 'Reply',
      },
    },
  ),
}
