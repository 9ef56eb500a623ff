// The unit formatters in the UI's current language. Each call reads the locale, so a template
// that formats through it redraws when the user switches language.
import { useI18n } from 'vue-i18n'
import { unitsFor, type Units } from './units'

export function useUnits(): Units {
  const { locale } = useI18n()
  const current = (): Units => unitsFor(locale.value === 'zh' ? 'zh' : 'en')
  return {
    duration: (us) => current().duration(us),
    micros: (us) => current().micros(us),
    uptime: (seconds) => current().uptime(seconds),
    seconds: (seconds, digits) => current().seconds(seconds, digits),
    bytes: (bytes) => current().bytes(bytes),
    percent: (n) => current().percent(n),
    count: (n) => current().count(n),
  }
}
