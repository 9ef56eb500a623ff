// `lang`: the language the run was asked to print in ('en' or 'zh'), so a lab script can print its
// lines in the language of the UI (or of `proclab run --lang`). Read once, at import, from the
// environment the host gives every lab process; an unset or unknown value is English.
import { LANGUAGE_ENV, labLanguage, type LabLanguage } from '../../src-shared/language'

export type { LabLanguage }

export const lang: LabLanguage = labLanguage(process.env[LANGUAGE_ENV])
