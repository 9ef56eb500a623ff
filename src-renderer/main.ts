import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './app/App.vue'
import { currentLocale, i18n, setLocale } from './shared/i18n'
import { useConnectionStore } from './features/lab/connection'
import './app/app.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
setLocale(currentLocale())
app.mount('#app')
useConnectionStore().start()
