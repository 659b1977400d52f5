// `npm run soak`: minutes of mixed load on one Roll server in a child process, to see
// whether its memory settles (heap and RSS after a full GC, round after round) and
// whether it survives: HTTP routes (200, 404, an 8 KiB echo, a handler that throws),
// malformed requests on raw sockets, and websocket clients that connect, echo and close.
// Usage: node bench/soak.mjs [--rounds 6] [--seconds 10] [--json]
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import WebSocket from 'ws'

const USAGE = 'usage: node bench/soak.mjs [--rounds N ≥ 1] [--seconds S > 0] [--json]'
const options = { rounds: { type: 'string', default: '6' }, seconds: { type: 'string', default: '10' }, json: { type: 'boolean', default: false } }
let args
try {
  args = parseArgs({ options }).values
} catch (error) {
  console.error(`${error.message}\n${USAGE}`)
  process.exit(2)
}
const rounds = Number(args.rounds)
const seconds = Number(args.seconds)
if (!Number.isInteger(rounds) || rounds < 1 || !(seconds > 0)) {
  console.error(USAGE)
  process.exit(2)
}

const ECHO = 'roll soak '.repeat(820).slice(0, 8192)
const JSON_BODY = JSON.stringify({ message: 'Hello, World!', numbers: [1, 2, 3] })
let sequence = 0
// Each route gets its own autocannon instance, so its statuses can be checked against
// the one it should answer. Hello and 404 paths never repeat: a cache keyed by path would show.
const ROUTES = [
  { name: 'hello', status: 200, connections: 10, verifyBody: (body) => body.startsWith('Hello soak'),
    requests: [{ setupRequest: (request) => ({ ...request, path: `/hello/soak${sequence++}` }) }] },
  { name: 'json', status: 200, connections: 10, path: '/json', expectBody: JSON_BODY },
  { name: 'echo', status: 200, connections: 10, path: '/echo', method: 'POST', body: ECHO, expectBody: ECHO },
  { name: '404', status: 404, connections: 4, requests: [{ setupRequest: (request) => ({ ...request, path: `/missing/${sequence++}` }) }] },
  { name: 'throws', status: 500, connections: 2, path: '/boom' },
]
const WEBSOCKET_CLIENTS = 8
const MALFORMED_CLIENTS = 2
// What the server answers to each (505 is RFC 9112's answer to a version it does not
// speak, as documented in docs/reference/core.md); closing without a word is also fine.
const MALFORMED = [
  ['GET /hello/x HTTP/1.1 garbage\r\nHost: a\r\n\r\n', 505],
  ['GET /hello/x HTTP/9.9\r\nHost: a\r\n\r\n', 505],
  ['GET /hello/x HTTP/2.0\r\nHost: a\r\n\r\n', 505],
  ['GET /hello/x\r\nHost: a\r\n\r\n', 505],
  ['GET /hello/x HTTP/1.1\r\nHost: a\x00b\r\n\r\n', 400],
  ['G\x01T /hello/x HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['GET /hello/\x7fx HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['GET /hello/x HTTP/1.1\r\n\r\n', 400],
  ['GET /hello/x HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n', 400],
  ['GET /hello/x HTTP/1.1\r\nHost: a\r\n Folded: x\r\n\r\n', 400],
  ['GET /hello/%zz HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 400],
  ['POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n', 400],
  ['POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
  ['POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n', 400],
  ['\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n', 400],
  [`GET /hello/x HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  [`GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: a\r\n\r\n`, 414],
]
const EXPECTED_LOG = '[roll] GET /boom failed with 500 Internal Server Error: Error: soak: this route always throws'

// The server runs in its own process group: Ctrl-C reaches only us, and we stop it by PID.
const server = fork(fileURLToPath(new URL('servers/soak-server.mjs', import.meta.url)), [], {
  execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'pipe', 'ipc'], detached: true,
})
let stopping = false
// 'close' rather than 'exit': its stderr has been read to the end by then.
const exited = new Promise((resolve) => server.once('close', (code, signal) => resolve({ code, signal })))
const died = exited.then((exit) => (stopping ? new Promise(() => {}) : Promise.reject(Object.assign(new Error('server died'), { exit }))))
died.catch(() => {})
const alive = (promise) => Promise.race([promise, died])

// The server's stderr: the expected line of /boom is counted, any other line is a finding.
let pendingLine = ''
let expectedLogLines = 0
let otherLogCount = 0
const otherLogLines = [] // the first 20 and the last 180: what went wrong first, and how the server ended
server.stderr.setEncoding('utf8').on('data', (chunk) => {
  const lines = (pendingLine + chunk).split('\n')
  pendingLine = lines.pop()
  for (const line of lines) {
    if (line === EXPECTED_LOG) {
      expectedLogLines++
      continue
    }
    otherLogCount++
    otherLogLines.push(line)
    if (otherLogLines.length > 200) otherLogLines.splice(20, 1)
  }
})

async function stopServer() {
  stopping = true
  if (server.exitCode !== null || server.signalCode !== null) return
  process.kill(server.pid, 'SIGTERM')
  const timer = setTimeout(() => process.kill(server.pid, 'SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void stopServer().then(() => {
    console.error(`\nsoak: ${signal}; the server (pid ${server.pid}) is stopped`)
    process.exit(130)
  }))
}

async function memory() {
  server.send('memory')
  const [message] = await alive(once(server, 'message'))
  return message.memory
}

class Unexpected extends Error {}
const count = (map, key, n = 1) => map.set(key, (map.get(key) ?? 0) + n)

// Runs `session` back to back on `clients` parallel clients until `until`; returns how many completed.
async function churn(clients, until, session, tally) {
  let done = 0
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < until) {
      try {
        await session()
        done++
      } catch (error) {
        count(error instanceof Unexpected ? tally.unexpected : tally.errors, error.message)
      }
    }
  }))
  return done
}

async function websocketSession(port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`)
  const signal = AbortSignal.timeout(10_000)
  try {
    await once(ws, 'open', { signal })
    const message = sequence++ % 2 ? `soak ${sequence}` : Buffer.alloc(1024, sequence)
    ws.send(message)
    const [data, isBinary] = await once(ws, 'message', { signal })
    if (isBinary !== Buffer.isBuffer(message) || !data.equals(Buffer.from(message))) throw new Unexpected('websocket: the echo differs from the message')
    ws.close(1000)
    const [code] = await once(ws, 'close', { signal })
    if (code !== 1000) throw new Unexpected(`websocket: closed with ${code} instead of 1000`)
  } finally {
    ws.terminate()
  }
}

async function malformedSession(port) {
  const [payload, expected] = MALFORMED[sequence++ % MALFORMED.length]
  const socket = connect(port, '127.0.0.1')
  let answer = ''
  let refused = false
  socket.setEncoding('latin1').on('data', (chunk) => { answer += chunk })
  // The server may reset a socket it answered while we were still sending: that is closed too.
  socket.on('error', (error) => { refused ||= error.code === 'ECONNREFUSED' })
  socket.end(payload, 'latin1')
  try {
    await once(socket, 'close', { signal: AbortSignal.timeout(10_000) })
  } finally {
    socket.destroy()
  }
  if (refused) throw new Error('malformed: connection refused')
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1])
  if (answer !== '' && status !== expected) {
    throw new Unexpected(`malformed ${JSON.stringify(payload.slice(0, 40))}: expected ${expected}, got ${JSON.stringify(answer.split('\r\n')[0])}`)
  }
}

async function round(port) {
  const until = Date.now() + seconds * 1000
  const tally = { errors: new Map(), unexpected: new Map() }
  const [results, websocket, malformed] = await alive(Promise.all([
    Promise.all(ROUTES.map(({ name, status, path = '/', ...options }) => autocannon({ url: `http://127.0.0.1:${port}${path}`, duration: seconds, ...options }))),
    churn(WEBSOCKET_CLIENTS, until, () => websocketSession(port), tally),
    churn(MALFORMED_CLIENTS, until, () => malformedSession(port), tally),
  ]))
  const classes = { '2xx': 0, '4xx': 0, '5xx': 0, other: 0 }
  results.forEach((result, index) => {
    const route = ROUTES[index]
    for (const [code, { count: n }] of Object.entries(result.statusCodeStats)) {
      const kind = `${code[0]}xx`
      classes[kind in classes ? kind : 'other'] += n
      if (Number(code) !== route.status) count(tally.unexpected, `${route.name}: ${code} instead of ${route.status}`, n)
    }
    if (result.mismatches) count(tally.unexpected, `${route.name}: unexpected body`, result.mismatches)
    if (result.errors) count(tally.errors, `${route.name}: ${result.timeouts} timeouts, ${result.errors - result.timeouts} socket errors`, result.errors)
  })
  const http = Object.values(classes).reduce((a, b) => a + b, 0)
  const sum = (map) => [...map.values()].reduce((a, b) => a + b, 0)
  return { http, classes, malformed, websocket, errors: sum(tally.errors), unexpected: sum(tally.unexpected), details: tally, memory: await memory() }
}

const MiB = (bytes) => bytes / 2 ** 20
const columns = [['round', 5], ['2xx', 10], ['4xx', 9], ['5xx', 8], ['malformed', 9], ['ws sessions', 11], ['req/s', 7], ['errors', 6], ['unexpected', 10], ['heap MiB', 8], ['RSS MiB', 7], ['ext MiB', 7]]
const row = (cells) => cells.map((cell, index) => String(cell).padStart(columns[index][1])).join('  ')
const memoryCells = (m) => [MiB(m.heapUsed).toFixed(2), MiB(m.rss).toFixed(1), MiB(m.external).toFixed(2)]

const results = []
let failure
try {
  const [{ port }] = await alive(once(server, 'message'))
  console.log(`soak: ${rounds} rounds × ${seconds} s on 127.0.0.1:${port}, server pid ${server.pid} (node --expose-gc bench/servers/soak-server.mjs), Node ${process.version}`)
  console.log(`load: autocannon ${ROUTES.map((route) => `${route.name} ${route.connections}`).join(', ')} connections; ` +
    `${WEBSOCKET_CLIENTS} websocket clients (connect, echo, close); ${MALFORMED_CLIENTS} raw sockets of malformed requests`)
  console.log('memory: after global.gc() in the server, at the end of each round\n')
  const start = await memory()
  console.log(row(columns.map(([name]) => name)))
  console.log(row(['start', '', '', '', '', '', '', '', '', ...memoryCells(start)]))
  for (let number = 1; number <= rounds; number++) {
    const result = await round(port)
    results.push(result)
    const { classes, memory: m } = result
    console.log(row([number, classes['2xx'], classes['4xx'], classes['5xx'], result.malformed, result.websocket,
      Math.round(result.http / seconds), result.errors, result.unexpected, ...memoryCells(m)]))
    for (const [what, n] of [...result.details.unexpected, ...result.details.errors]) console.log(`       ${n} × ${what}`)
  }
} catch (error) {
  failure = error
} finally {
  await stopServer()
}

const total = (key) => results.reduce((sum, result) => sum + result[key], 0)
const first = results[0]?.memory
const last = results.at(-1)?.memory
const growth = (key) => (first && last ? MiB(last[key] - first[key]) : 0)
const serverDied = failure?.exit !== undefined
const unexpected = total('unexpected') + otherLogCount
const summary = {
  rounds, seconds, serverAlive: !serverDied, completedRounds: results.length,
  requests: { http: total('http'), malformed: total('malformed'), websocketSessions: total('websocket'), total: total('http') + total('malformed') + total('websocket') },
  errors: total('errors'), unexpected, unexpectedLogLines: otherLogCount, expectedLogLines,
  heapGrowthMiB: +growth('heapUsed').toFixed(3), rssGrowthMiB: +growth('rss').toFixed(3),
  memoryByRound: results.map(({ memory: m }) => ({ heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers })),
}

const n = (number) => number.toLocaleString('en-US')
const signed = (value, digits) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`
console.log(`\ntotal: ${n(summary.requests.http)} HTTP requests, ${n(summary.requests.malformed)} malformed, ${n(summary.requests.websocketSessions)} websocket sessions` +
  ` (${n(summary.requests.total)} in all); ${summary.errors} errors, ${unexpected} unexpected; the server logged ${n(expectedLogLines)} expected /boom lines`)
if (first && last) {
  console.log(`heap used after GC: ${MiB(first.heapUsed).toFixed(2)} MiB after round 1 → ${MiB(last.heapUsed).toFixed(2)} MiB after round ${results.length}: ${signed(growth('heapUsed'), 2)} MiB`)
  console.log(`RSS after GC:       ${MiB(first.rss).toFixed(1)} MiB after round 1 → ${MiB(last.rss).toFixed(1)} MiB after round ${results.length}: ${signed(growth('rss'), 1)} MiB`)
}
if (otherLogCount && !serverDied) console.log(`server logged ${otherLogCount} unexpected lines, the first ones:\n${otherLogLines.slice(0, 10).join('\n')}`)
if (serverDied) {
  const { code, signal } = failure.exit
  console.log(`server: DIED during round ${results.length + 1} (exit code ${code}${signal ? `, signal ${signal}` : ''}); its stderr, less the expected /boom lines:\n` +
    [...otherLogLines.slice(-40), pendingLine].join('\n'))
} else if (failure) console.log(`soak failed: ${failure.stack}`)
else console.log(`server: alive the whole time (pid ${server.pid}, stopped at the end)`)
if (args.json) console.log(JSON.stringify(summary))
process.exit(failure || unexpected ? 1 : 0)
