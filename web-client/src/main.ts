import { createApp } from 'vue'
import App from './App.vue'
import { loadConfig } from './config'
import { initApi } from './api/client'
import { currentLocale, i18n } from './i18n'
import { router } from './router'
import './styles.css'

async function start(): Promise<void> {
  const config = await loadConfig()
  initApi(config.apiBaseUrl, currentLocale)
  createApp(App).use(i18n).use(router).mount('#app')
}

void start()
