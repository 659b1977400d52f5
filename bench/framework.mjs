// Roll against raw node:http, side by side in one run: interleaved rounds, medians,
// spread, and the ratio Roll / raw per round. Usage: node bench/framework.mjs [rounds] [seconds]
import { fork, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const rounds = Number(process.argv[2] ?? 5)
const seconds = Number(process.argv[3] ?? 5)
const servers = { raw: 'servers/raw.mjs', roll: 'servers/roll.mjs' }
const routes = { plaintext: '/hello/world', json: '/json' }

function start(name, port) {
  const child = fork(fileURLToPath(new URL(servers[name], import.meta.url)), { env: { ...process.env, PORT: String(port) } })
  return new Promise((resolve) => child.once('message', () => resolve(child)))
}

// wrk (C, Debian's `wrk`) when installed: it leaves more of the 2 cores to the server
// than autocannon (JavaScript), which is the fallback.
const hasWrk = spawnSync('wrk', ['--version']).error === undefined
const client = hasWrk ? 'wrk -t1' : 'autocannon'

function load(port, path) {
  const url = `http://127.0.0.1:${port}${path}`
  if (hasWrk) {
    const { stdout } = spawnSync('wrk', ['-t1', '-c50', `-d${seconds}s`, url], { encoding: 'utf8' })
    const number = (pattern) => Number(stdout.match(pattern)?.[1] ?? 0)
    return { requests: { average: number(/Requests\/sec:\s+([\d.]+)/) }, errors: number(/Socket errors: connect (\d+)/), non2xx: number(/Non-2xx or 3xx responses: (\d+)/) }
  }
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 50, duration: seconds }, (error, result) => (error ? reject(error) : resolve(result)))
  })
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const ports = { raw: 4101, roll: 4102 }
const children = [await start('raw', ports.raw), await start('roll', ports.roll)]
const results = {}
try {
  for (const route of Object.keys(routes)) {
    // Warm up both servers (JIT) before measuring.
    for (const name of Object.keys(servers)) await load(ports[name], routes[route])
  }
  for (let round = 1; round <= rounds; round++) {
    for (const route of Object.keys(routes)) {
      // Alternate who goes first, so a drift in the machine's speed hits both alike.
      const order = round % 2 ? ['raw', 'roll'] : ['roll', 'raw']
      const perRound = {}
      for (const name of order) {
        const result = await load(ports[name], routes[route])
        if (result.errors || result.non2xx) throw new Error(`${name} ${route}: ${result.errors} errors, ${result.non2xx} non-2xx`)
        perRound[name] = result.requests.average
      }
      const entry = (results[route] ??= { raw: [], roll: [], ratio: [] })
      entry.raw.push(perRound.raw)
      entry.roll.push(perRound.roll)
      entry.ratio.push(perRound.roll / perRound.raw)
      console.log(`round ${round} ${route.padEnd(9)} raw ${perRound.raw.toFixed(0)} req/s  roll ${perRound.roll.toFixed(0)} req/s  ratio ${(perRound.roll / perRound.raw).toFixed(3)}`)
    }
  }
} finally {
  for (const child of children) child.kill()
}

console.log(`\n${rounds} interleaved rounds of ${seconds} s, 50 connections, ${client} on loopback`)
console.log('route      raw req/s (min–max)        roll req/s (min–max)       roll/raw median (min–max)')
for (const [route, entry] of Object.entries(results)) {
  const span = (values, digits = 0) => `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`
  console.log(`${route.padEnd(10)} ${span(entry.raw).padEnd(26)} ${span(entry.roll).padEnd(26)} ${span(entry.ratio, 3)}`)
}
