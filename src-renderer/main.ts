import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './app/App.vue'
import { currentLocale, i18n, setLocale } from './shared/i18n'
import { useConnectionStore } from './features/lab/connection'
import './app/app.css'
// These two refine app.css's base rules (inputs, empty live regions) at equal specificity and the
// objects panel's sizing inside the lab's side column, so they load after all of those: the cascade
// order they had as parts of app.css. The other features' sheets come in with their view components.
import './features/lab/lab.css'
import './features/sessions/sessions.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
setLocale(currentLocale())
app.mount('#app')
useConnectionStore().start()
