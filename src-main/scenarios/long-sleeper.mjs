// A child that sleeps for ten minutes, so there is time to kill, terminate or join it by hand.
import { Process, sleep } from 'proclab'

export async function sleepLong() {
  console.log('sleeping for ten minutes; end me from my row')
  await sleep(10 * 60 * 1000)
}

export default async function main() {
  const sleeper = new Process({ target: sleepLong, name: 'sleeper' })
  await sleeper.start()
  await sleeper.join()
  console.log(`sleeper ended with exit code ${sleeper.exitCode}`)
}
