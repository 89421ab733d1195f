/// <reference types="vite/client" />
import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    titleKey?: string
    /** A staff console page: its own layout, signed-in staff only unless `public`. */
    staff?: boolean
    /** Open without signing in (the sign-in page). */
    public?: boolean
    /** For case workers (clerks, heads, discipline, leaders): administrators see no cases. */
    caseWork?: boolean
    /** For administrators only. */
    admin?: boolean
    /** The metrics dashboard: leaders, administrators and section heads. */
    dashboard?: boolean
  }
}
