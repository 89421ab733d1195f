import TextForm, { textAction } from './TextForm.vue'

/** An internal note: staff see it, the citizen never does. */
export const spec = { ...textAction('note', '/notes', 20), form: TextForm }
