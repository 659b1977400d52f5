// npm run fuzz -- [--seconds 60] [--seed N] [--path P] [--batch 48] [--json]
// Fuzzes a live server and prints its figures; exits 1 when something failed, with the
// seed and path that replay the failure.
import { parseArgs } from 'node:util'
import { fuzz } from './fuzz.mjs'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' }, seed: { type: 'string' }, path: { type: 'string' },
    batch: { type: 'string', default: '48' }, json: { type: 'boolean', default: false },
  },
})
const seconds = Number(values.seconds)
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed)
const batch = Number(values.batch)
if (!(seconds > 0) || !Number.isInteger(seed) || !(batch > 0)) {
  console.error('roll fuzz: --seconds and --batch take positive numbers and --seed an integer, e.g. npm run fuzz -- --seconds 60 --seed 42')
  process.exit(2)
}
console.log(`fuzzing for ${seconds} s with seed ${seed}${values.path ? ` and path ${values.path}` : ''} (replay: npm run fuzz -- --seed ${seed})`)
let shown = Date.now()
const { stats, failure } = await fuzz({
  seconds, seed, path: values.path, batch,
  onBatch: (progress) => {
    if (Date.now() - shown < 10_000) return
    shown = Date.now()
    console.log(`  ${progress.requests} requests, ${progress.batches} batches, ${progress.crashes} crashes`)
  },
})
if (values.json) console.log(JSON.stringify({ ...stats, failure }))
else {
  const statuses = Object.entries(stats.statuses).map(([status, count]) => `${status}: ${count}`).join(', ')
  console.log(`${stats.requests} requests in ${stats.seconds} s (${stats.batches} batches of ${batch})`)
  console.log(`answers: ${statuses}`)
  console.log(`closed without an answer: ${stats.closedWithoutAnswer}; still waiting for bytes the request promised: ${stats.waitingForMore}`)
  console.log(`crashes: ${stats.crashes}`)
}
if (failure) {
  console.error(`\nFAILED: ${failure.error}`)
  console.error(`requests that fail on their own: ${JSON.stringify(failure.culprits, null, 2)}`)
  console.error(`replay the batch: npm run fuzz -- --seed ${failure.seed} --path ${failure.path} --batch ${batch}`)
  process.exit(1)
}
