import TextForm, { textAction } from './TextForm.vue'

/** A public reply: the citizen reads it on the tracking page. */
export const spec = { ...textAction('reply', '/replies', 10), form: TextForm }
