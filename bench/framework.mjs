// Roll against raw node:http and fastify 5, side by side in one run: interleaved rounds,
// medians, spread, req/s and the server's CPU time per request (user + sys of the server
// process over a fixed number of requests, so it divides by exactly the requests answered;
// steadier than req/s when the load generator, not the server, is the limit), and the
// ratios roll/fastify and roll/raw of CPU per request, per round. Roll runs twice: served
// from the workspace (roll), and bundled by `roll build` with roll start's bootstrap and
// health check (built), as users ship it.
// Usage: node bench/framework.mjs [rounds] [requests] [--quick]
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { buildRoll, ROLL_COLUMNS } from './build-roll.mjs'

const quick = process.argv.includes('--quick')
const [roundsArg, requestsArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'))
const rounds = Number(roundsArg ?? (quick ? 3 : 6))
const requests = Number(requestsArg ?? (quick ? 5000 : 40000))
const connections = 32
if (!(Number.isInteger(rounds) && rounds > 0 && Number.isInteger(requests) && requests >= connections)) {
  throw new Error(`usage: node bench/framework.mjs [rounds] [requests >= ${connections}] [--quick]`)
}

const servers = { raw: 'servers/raw.mjs', fastify: 'servers/fastify.mjs', roll: 'servers/roll.mjs', built: 'servers/roll-built.mjs' }
const ports = { raw: 4101, fastify: 4103, roll: 4102, built: 4104 }

// A 1 KiB JSON body that JSON.stringify(JSON.parse(body)) gives back byte for byte.
const echoBody = (() => {
  const value = { items: [], pad: '' }
  for (let id = 0; JSON.stringify(value).length < 900; id++) value.items.push({ id, name: `item-${id}`, ok: id % 2 === 0 })
  value.pad = 'x'.repeat(1024 - JSON.stringify(value).length)
  const body = JSON.stringify(value)
  if (Buffer.byteLength(body) !== 1024) throw new Error('echo body is not 1 KiB')
  return body
})()

// Each route: the request, and the one response every server must give.
const routes = {
  hello: { path: '/hello/world', status: 200, body: 'Hello world', type: 'text/plain' },
  json: { path: '/json', status: 200, body: '{"message":"Hello, World!"}', type: 'application/json' },
  query: { path: '/query?name=roll&n=3', status: 200, body: '{"name":"roll","n":"3"}', type: 'application/json' },
  echo: {
    path: '/echo', method: 'POST', headers: { 'content-type': 'application/json' }, requestBody: echoBody,
    status: 200, body: echoBody, type: 'application/json',
  },
  404: { path: '/nope', status: 404, body: '/nope', type: 'text/plain' },
}
// In this order (an object lists its integer keys, '404', first).
const routeNames = ['hello', 'json', 'query', 'echo', '404']

async function start(name) {
  const child = fork(fileURLToPath(new URL(servers[name], import.meta.url)), { env: { ...process.env, PORT: String(ports[name]) } })
  const [message] = await Promise.race([once(child, 'message'), once(child, 'exit').then(() => [])])
  if (message !== 'ready') throw new Error(`server ${name} did not start`)
  return child
}

async function cpuTime(child) {
  child.send('cpu')
  const [{ user, system }] = await once(child, 'message')
  return user + system
}

// A wrong server must not look fast: one request per route and server, checked, first.
async function check(name, route) {
  const { path, method = 'GET', headers, requestBody, status, body, type } = routes[route]
  const response = await fetch(`http://127.0.0.1:${ports[name]}${path}`, { method, headers, body: requestBody })
  const text = await response.text()
  const contentType = response.headers.get('content-type') ?? ''
  if (response.status !== status || text !== body || !contentType.startsWith(type)) {
    throw new Error(`${name} ${method} ${path}: ${response.status} ${contentType} ${JSON.stringify(text.slice(0, 80))}, ` +
      `expected ${status} ${type} ${JSON.stringify(body.slice(0, 80))}`)
  }
}

// autocannon (wrk is not used: its POST bodies need a Lua script, and one client for all
// routes keeps the figures comparable). Exactly `amount` requests, every one answered with
// the route's status, or the measurement fails.
async function load(name, route, amount) {
  const { path, method = 'GET', headers, requestBody, status } = routes[route]
  const result = await autocannon({
    url: `http://127.0.0.1:${ports[name]}${path}`, method, headers, body: requestBody, connections, amount,
    // It checks whether it is done once a sample: the default (1 s) would round the time up.
    sampleInt: 10,
  })
  const answered = result.statusCodeStats?.[status]?.count ?? 0
  if (result.errors || result.timeouts || result.requests.total !== amount || answered !== amount) {
    throw new Error(`${name} ${method} ${path}: ${amount} requests, ${result.requests.total} answered, ` +
      `${answered} with ${status}, ${result.errors} errors, ${result.timeouts} timeouts, ` +
      `status codes ${JSON.stringify(result.statusCodeStats)}`)
  }
  return result
}

async function measure(child, name, route) {
  const before = await cpuTime(child)
  const begin = performance.now()
  await load(name, route, requests)
  const seconds = (performance.now() - begin) / 1000
  const cpu = await cpuTime(child) - before
  return { perSecond: requests / seconds, cpuPerRequest: cpu / requests }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const span = (values, digits = 0) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`

const names = Object.keys(servers)
const ratios = [['roll', 'fastify'], ['roll', 'raw'], ['built', 'fastify'], ['built', 'raw']]
const children = {}
const results = {}
const started = Date.now()
const built = buildRoll() // the server processes inherit ROLL_BUILT
try {
  for (const name of names) children[name] = await start(name)
  for (const route of routeNames) for (const name of names) await check(name, route)
  // Warm up every server on every route (JIT) before measuring.
  for (const route of routeNames) for (const name of names) await load(name, route, Math.max(connections, requests >> 1))
  for (let round = 1; round <= rounds; round++) {
    for (const route of routeNames) {
      // Rotate who goes first, so a drift in the machine's speed hits all alike.
      const order = names.map((_, i) => names[(i + round - 1) % names.length])
      const run = {}
      for (const name of order) run[name] = await measure(children[name], name, route)
      const entry = (results[route] ??= { perSecond: {}, cpu: {}, ratios: {} })
      for (const name of names) {
        ;(entry.perSecond[name] ??= []).push(run[name].perSecond)
        ;(entry.cpu[name] ??= []).push(run[name].cpuPerRequest)
      }
      for (const [name, peer] of ratios) (entry.ratios[`${name}/${peer}`] ??= []).push(run[name].cpuPerRequest / run[peer].cpuPerRequest)
      console.log(`round ${round} ${route.padEnd(5)} ` +
        names.map((name) => `${name} ${run[name].perSecond.toFixed(0)} req/s ${run[name].cpuPerRequest.toFixed(1)} µs`).join('   '))
    }
  }
} finally {
  for (const child of Object.values(children)) child.kill()
  built.remove()
}

console.log(`\n${ROLL_COLUMNS}`)
console.log(`${rounds} interleaved rounds of ${requests} requests per route and server, ${connections} connections, ` +
  `autocannon on loopback, ${((Date.now() - started) / 1000).toFixed(0)} s; median (min–max)`)
const columns = [
  ...names.map((name) => [`${name} req/s`, (entry) => span(entry.perSecond[name])]),
  ...names.map((name) => [`${name} µs CPU/req`, (entry) => span(entry.cpu[name], 1)]),
  ...ratios.map(([name, peer]) => [`${name}/${peer} CPU`, (entry) => span(entry.ratios[`${name}/${peer}`], 2)]),
]
const cell = (text, width) => text.padEnd(Math.max(width, text.length + 2))
console.log(`route  ${columns.map(([title]) => cell(title, 20)).join('')}`)
for (const route of routeNames) {
  console.log(`${route.padEnd(7)}${columns.map(([, value]) => cell(value(results[route]), 20)).join('')}`)
}
