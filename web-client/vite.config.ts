import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The API base URL is never baked in: the app reads it from config.json at start-up.
// In development the API is reached through this proxy (same origin, apiBaseUrl "").
const apiTarget = process.env.FEEDBACK_API_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  // Relative asset URLs: dist/ works from any folder of any static web server.
  base: './',
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'true',
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    // Phones, often inside a messaging app's browser: keep older WebViews working.
    target: ['es2020', 'chrome87', 'safari14', 'firefox78', 'edge88'],
    sourcemap: false,
    // Inline nothing as data: URLs so a strict CSP needs no exceptions.
    assetsInlineLimit: 0,
    // Everything the citizen pages load first stays in one chunk. Left alone, the bundler moves the
    // modules the console's lazy chunks share with it (Vue, vue-i18n…) into a second file, which
    // costs the citizens a request and a few kilobytes of import/export glue.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'index', tags: ['$initial'] }],
        },
      },
    },
  },
})
