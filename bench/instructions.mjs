// Instructions per request of raw node:http, fastify and roll, counted by valgrind's
// callgrind: the steadiest of the measures (two runs of the same code differ by less
// than 0.05%), where CPU time on this shared machine drifts by 25%. Each server runs alone in a
// node process under callgrind, on the in-memory connection of the in-process bench
// (in-memory.mjs): a warm-up, then `short` or `long` more requests; the difference of the
// two counts, over the difference of requests, is the cost of one request, start-up and
// warm-up cancelled out. JIT-compiled code is counted as any other.
// Needs valgrind (Debian: apt-get install valgrind). Usage: node bench/instructions.mjs [long]
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildRoll, ROLL_COLUMNS } from './build-roll.mjs'
import { connect, importServers, PIPELINED, routes } from './in-memory.mjs'

const WARM = 8_192
const SHORT = 2_048

if (process.argv[2] === '--child') {
  const [name, route, count] = process.argv.slice(3)
  const { [name]: server } = await importServers([name])
  const exchange = connect(server, name, route)
  await exchange()
  exchange.check()
  for (let i = 0; i < (WARM + Number(count)) / PIPELINED; i++) await exchange()
  process.exit(0)
}

const long = Number(process.argv[2] ?? 10_240)
if (!(Number.isInteger(long) && long > SHORT && long % PIPELINED === 0)) {
  console.error(`usage: node bench/instructions.mjs [requests: a multiple of ${PIPELINED} above ${SHORT}]`)
  process.exit(1)
}
if (spawnSync('valgrind', ['--version']).error) {
  console.error('bench/instructions.mjs: valgrind is not installed; install it (Debian: apt-get install valgrind) or run the other benches.')
  process.exit(1)
}

const built = buildRoll() // the children inherit ROLL_BUILT
const dir = mkdtempSync(join(tmpdir(), 'roll-instructions-'))
const self = fileURLToPath(import.meta.url)
// Fixed seeds (V8's hash and random seeds), a GC schedule that does not depend on the clock
// (the machine's load changed counts by 1% without it) and no address randomization where
// `setarch -R` exists: two runs of the same code then differ by less than 0.05%.
const noAslr = spawnSync('setarch', ['-R', 'true']).status === 0
async function instructions(name, route, count) {
  const out = join(dir, `${name}-${route}-${count}.out`)
  // --single-threaded: no JIT or GC helper threads, so the count does not depend on their timing.
  const node = [process.execPath, '--single-threaded', '--hash-seed=1', '--random-seed=1', '--predictable-gc-schedule', self, '--child', name, route, String(count)]
  const valgrind = ['valgrind', '--tool=callgrind', `--callgrind-out-file=${out}`, '--smc-check=all-non-file', ...node]
  const [command, ...args] = noAslr ? ['setarch', '-R', ...valgrind] : valgrind
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-2000) })
  const [status] = await once(child, 'exit')
  if (status !== 0) throw new Error(`${name} ${routes[route]} under callgrind exited with ${status}:\n${stderr}`)
  return Number(/^totals: (\d+)/m.exec(readFileSync(out, 'utf8'))[1])
}

// The runs are independent: as many at once as there are cores.
const names = ['raw', 'fastify', 'roll', 'roll-built']
const runs = Object.keys(routes).flatMap((route) => names.flatMap((name) => [[name, route, SHORT], [name, route, long]]))
const totals = new Map()
const started = Date.now()
await Promise.all(Array.from({ length: availableParallelism() }, async () => {
  for (let run = runs.shift(); run !== undefined; run = runs.shift()) totals.set(run.join(' '), await instructions(...run))
}))
rmSync(dir, { recursive: true, force: true })
built.remove()
const perRequest = (name, route) => (totals.get(`${name} ${route} ${long}`) - totals.get(`${name} ${route} ${SHORT}`)) / (long - SHORT)

const thousands = (value) => `${(value / 1000).toFixed(1)}k`.padEnd(9)
console.log(`Instructions per request (callgrind, node --single-threaded), over ${long - SHORT} requests after ${WARM + SHORT} of warm-up, ${PIPELINED} pipelined on one in-memory connection; ${Math.round((Date.now() - started) / 1000)} s`)
console.log(ROLL_COLUMNS)
console.log('route  raw      fastify  roll     built    roll/raw built/raw roll/fastify built/fastify')
for (const route of Object.keys(routes)) {
  const [raw, fastify, roll, built] = names.map((name) => perRequest(name, route))
  const ratio = (value) => value.toFixed(3).padEnd(9)
  console.log(`${route.padEnd(6)} ${thousands(raw)}${thousands(fastify)}${thousands(roll)}${thousands(built)}${ratio(roll / raw)}${ratio(built / raw)}${ratio(roll / fastify)}${ratio(built / fastify)}`)
}
