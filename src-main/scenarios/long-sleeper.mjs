// A child that sleeps for ten minutes, so there is time to kill, terminate or join it by hand.
import { Process, lang, sleep } from 'proclab'

// The printed lines in English and Chinese: `lang` is the language the run was started in.
const say = {
  en: {
    sleeping: 'sleeping for ten minutes; end me from my row',
    ended: (code) => `sleeper ended with exit code ${code}`,
  },
  zh: {
    sleeping: '要睡十分钟；可以在我这一行结束我',
    ended: (code) => `sleeper 结束了，退出码 ${code}`,
  },
}[lang]

export async function sleepLong() {
  console.log(say.sleeping)
  await sleep(10 * 60 * 1000)
}

export default async function main() {
  const sleeper = new Process({ target: sleepLong, name: 'sleeper' })
  await sleeper.start()
  await sleeper.join()
  console.log(say.ended(sleeper.exitCode))
}
