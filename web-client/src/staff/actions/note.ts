import type { ActionSpec } from './spec'
import { bilingual } from './spec'
import TextForm, { textAction } from './TextForm.vue'

/** An internal note: staff see it, the citizen never does. */
export const spec: ActionSpec = {
  ...textAction('note', '/notes', 20),
  form: TextForm,
  words: bilingual(
    {
      actions: {
        note: '内部备注',
        noteTitle: '添加内部备注',
        noteButton: '保存内部备注',
        noteText: '内部备注（群众不可见）',
        noteHint: '只有本局工作人员能看到，不会显示给群众。',
        done: {
          note: '内部备注已保存。',
        },
      },
      events: {
        note: '内部备注',
      },
    },
    {
      actions: {
        note: 'Internal note',
        noteTitle: 'Add an internal note',
        noteButton: 'Save note',
        noteText: 'Internal note (not shown to the citizen)',
        noteHint: 'Only bureau staff see it.',
        done: {
          note: 'Internal note saved.',
        },
      },
      events: {
        note: 'Internal note',
      },
    },
  ),
}
