// What the OS did to a process that nobody printed (it became a zombie, its parent reaped it, it
// was orphaned and got a new parent), in the user's language, for the output pane's note lines.
import type { ProcessNote } from './runModel'

type Translate = (key: string, values: Record<string, unknown>) => string

export function noteText(t: Translate, note: ProcessNote): string {
  switch (note.what) {
    case 'zombie':
      return t('lab.note.zombie', { ppid: note.ppid })
    case 'reparent':
      return note.newParentName === null
        ? t('lab.note.reparent', { old: note.oldPpid, ppid: note.newPpid })
        : t('lab.note.reparentNamed', { old: note.oldPpid, ppid: note.newPpid, name: note.newParentName })
    case 'reaped':
      return note.reapedBy === 'parent' ? t('lab.note.reaped', { code: note.exitCode ?? '?' }) : t('lab.note.reapedByOther', {})
  }
}
