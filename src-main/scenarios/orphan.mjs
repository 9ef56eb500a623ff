// A real orphan. A parent is terminated while its child runs; the child runs on, and the OS gives
// it a new parent: the nearest ancestor that asked to adopt orphans (a "child subreaper", such as
// systemd's user manager), or else init, pid 1. ProcLab's host does not adopt them (it leaves that
// to the OS, see docs/security.md), so the new parent is whatever the OS picks; the Lab tree
// and the output show the child's parent pid as it changes.
import { Process, Queue, lang, sleep } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    child: (ppid) => `orphan-to-be: my parent is pid ${ppid}`,
    adopted: (old, now) => `orphan: my parent pid ${old} is gone; my parent is now pid ${now}`,
    notAdopted: (ppid) => `orphan: my parent is still pid ${ppid} (this OS does not hand orphans to a new parent)`,
    parent: (pid) => `parent: started my child, pid ${pid}; now I wait until someone ends me`,
    running: (ppid) => `main: the child runs under its parent, pid ${ppid}; now main terminates that parent`,
    terminated: (code) => `main: terminated the parent (exit code ${code}); its child runs on`,
    reported: (ppid) => `main: the orphan says its new parent is pid ${ppid}`,
  },
  zh: {
    child: (ppid) => `将成孤儿的子进程：我的父进程是 pid ${ppid}`,
    adopted: (old, now) => `孤儿：我的父进程 pid ${old} 已经结束；现在我的父进程是 pid ${now}`,
    notAdopted: (ppid) => `孤儿：我的父进程仍是 pid ${ppid}（这个系统不会给孤儿换新的父进程）`,
    parent: (pid) => `父进程：已启动子进程 pid ${pid}；现在一直等到被人结束`,
    running: (ppid) => `主进程：子进程在父进程 pid ${ppid} 之下运行；现在主进程终止这个父进程`,
    terminated: (code) => `主进程：已终止父进程（退出码 ${code}）；它的子进程继续运行`,
    reported: (ppid) => `主进程：孤儿报告它的新父进程是 pid ${ppid}`,
  },
}[lang]

/** Runs on after its parent ends, and reports the parent pid the OS gives it then. */
export async function orphan(reports) {
  const first = process.ppid
  console.log(say.child(first))
  await reports.put(first)
  // process.ppid asks the OS each time: it changes once the parent has ended and the OS has handed us on.
  for (let waited = 0; process.ppid === first && waited < 5000; waited += 50) await sleep(50)
  const now = process.ppid
  console.log(now === first ? say.notAdopted(now) : say.adopted(first, now))
  await reports.put(now)
  await sleep(1000)
}

export async function parent(reports) {
  const child = new Process({ target: orphan, args: [reports], name: 'orphan' })
  await child.start()
  console.log(say.parent(child.pid))
  await sleep(60_000)
}

export default async function main() {
  const reports = new Queue()
  const p = new Process({ target: parent, args: [reports], name: 'parent' })
  await p.start()
  // Once the child is running (it says so), its parent is ended under it.
  console.log(say.running(await reports.get({ timeout: 30_000 })))
  // Python's terminate() does not end the process's children: they become orphans.
  p.terminate()
  await p.join()
  console.log(say.terminated(p.exitCode))
  console.log(say.reported(await reports.get({ timeout: 10_000 })))
  // The orphan is not main's child: main cannot join it. The run ends it if it is still there.
  await sleep(1500)
}
