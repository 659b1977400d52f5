// Roll against raw node:http, side by side in one run: interleaved rounds, medians,
// spread, and the ratio Roll / raw per round, for throughput and for the server's CPU
// time per request (steadier when the load generator, not the server, is the limit).
// Usage: node bench/framework.mjs [rounds] [seconds]
import { fork, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const rounds = Number(process.argv[2] ?? 5)
const seconds = Number(process.argv[3] ?? 5)
const servers = { raw: 'servers/raw.mjs', roll: 'servers/roll.mjs' }
const routes = { plaintext: '/hello/world', json: '/json' }

async function start(name, port) {
  const child = fork(fileURLToPath(new URL(servers[name], import.meta.url)), { env: { ...process.env, PORT: String(port) } })
  await once(child, 'message')
  return child
}

async function cpuTime(child) {
  child.send('cpu')
  const [{ user, system }] = await once(child, 'message')
  return user + system
}

// wrk (C, Debian's `wrk`) when installed: it leaves more of the 2 cores to the server
// than autocannon (JavaScript), which is the fallback.
const hasWrk = spawnSync('wrk', ['--version']).error === undefined
const client = hasWrk ? 'wrk -t1' : 'autocannon'

async function load(port, path) {
  const url = `http://127.0.0.1:${port}${path}`
  if (hasWrk) {
    const { stdout } = spawnSync('wrk', ['-t1', '-c50', `-d${seconds}s`, url], { encoding: 'utf8' })
    const number = (pattern) => Number(stdout.match(pattern)?.[1] ?? 0)
    return {
      perSecond: number(/Requests\/sec:\s+([\d.]+)/), total: number(/(\d+) requests in/),
      failures: number(/Socket errors: connect (\d+)/) + number(/Non-2xx or 3xx responses: (\d+)/),
    }
  }
  const result = await autocannon({ url, connections: 50, duration: seconds })
  return { perSecond: result.requests.average, total: result.requests.total, failures: result.errors + result.non2xx }
}

async function measure(child, port, path) {
  const before = await cpuTime(child)
  const result = await load(port, path)
  if (result.failures) throw new Error(`${path} on port ${port}: ${result.failures} failed requests`)
  return { perSecond: result.perSecond, cpuPerRequest: (await cpuTime(child) - before) / result.total }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const span = (values, digits = 0) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`

const ports = { raw: 4101, roll: 4102 }
const children = { raw: await start('raw', ports.raw), roll: await start('roll', ports.roll) }
const results = {}
try {
  // Warm up both servers (JIT) before measuring.
  for (const path of Object.values(routes)) for (const name of Object.keys(servers)) await load(ports[name], path)
  for (let round = 1; round <= rounds; round++) {
    for (const [route, path] of Object.entries(routes)) {
      // Alternate who goes first, so a drift in the machine's speed hits both alike.
      const order = round % 2 ? ['raw', 'roll'] : ['roll', 'raw']
      const run = {}
      for (const name of order) run[name] = await measure(children[name], ports[name], path)
      const entry = (results[route] ??= { raw: [], roll: [], ratio: [], cpuRaw: [], cpuRoll: [], cpuRatio: [] })
      entry.raw.push(run.raw.perSecond)
      entry.roll.push(run.roll.perSecond)
      entry.ratio.push(run.roll.perSecond / run.raw.perSecond)
      entry.cpuRaw.push(run.raw.cpuPerRequest)
      entry.cpuRoll.push(run.roll.cpuPerRequest)
      entry.cpuRatio.push(run.raw.cpuPerRequest / run.roll.cpuPerRequest)
      console.log(`round ${round} ${route.padEnd(9)} raw ${run.raw.perSecond.toFixed(0)} req/s, ${run.raw.cpuPerRequest.toFixed(1)} µs CPU/req   ` +
        `roll ${run.roll.perSecond.toFixed(0)} req/s, ${run.roll.cpuPerRequest.toFixed(1)} µs CPU/req`)
    }
  }
} finally {
  for (const child of Object.values(children)) child.kill()
}

console.log(`\n${rounds} interleaved rounds of ${seconds} s, 50 connections, ${client} on loopback; median (min–max)`)
console.log('route      raw req/s             roll req/s            roll/raw req/s       raw µs CPU/req   roll µs CPU/req  raw/roll CPU')
for (const [route, entry] of Object.entries(results)) {
  console.log(`${route.padEnd(10)} ${span(entry.raw).padEnd(21)} ${span(entry.roll).padEnd(21)} ${span(entry.ratio, 3).padEnd(20)} ` +
    `${span(entry.cpuRaw, 1).padEnd(16)} ${span(entry.cpuRoll, 1).padEnd(16)} ${span(entry.cpuRatio, 3)}`)
}
