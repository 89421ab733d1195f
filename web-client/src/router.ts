import { createRouter, createWebHashHistory } from 'vue-router'
import SubmitView from './views/SubmitView.vue'

// Hash history: dist/ works on any static web server, no rewrite rules needed.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', name: 'submit', component: SubmitView, meta: { titleKey: 'submit.title' } },
    {
      path: '/submitted',
      name: 'submitted',
      component: () => import('./views/SubmittedView.vue'),
      meta: { titleKey: 'submitted.title' },
    },
    {
      path: '/track',
      name: 'track',
      component: () => import('./views/TrackView.vue'),
      meta: { titleKey: 'track.title' },
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
  scrollBehavior: () => ({ top: 0 }),
})
