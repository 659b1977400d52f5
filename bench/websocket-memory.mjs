// Idle websocket memory: a bare `ws` server against Roll's `serve()`, side by side in one
// run, interleaved rounds, medians and spread (min–max). Each server runs in its own child
// process (`node --expose-gc`); a client process opens N websockets in batches, each sends
// one message and waits for its echo, then stays idle. The server reports heapUsed +
// arrayBuffers and RSS after gc(), before the connections (after a warm-up) and once all N
// are open: per connection = (after − before) / N. Then a keep-alive phase: the server pings
// every connection every 2 s for 10 s (ws: `ws.ping()` on an interval; Roll: a loop of
// `await ws.ping(undefined, { timeout })` in the handler); a connection that closes fails
// the bench. Memory is measured again at the end of that phase and shown apart.
// Roll comes from framework/dist (`npm run build`).
// Usage: node bench/websocket-memory.mjs [rounds] [connections] [--quick]
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket, { WebSocketServer } from 'ws'

const SELF = fileURLToPath(import.meta.url)
const PING_EVERY = 2000
const PING_FOR = 10_000
const PING_TIMEOUT = 5000
const BATCH = 200
const WARM_UP = 500
const KEEPALIVE = 'keepalive'

// ---- the servers (child processes): `node --expose-gc websocket-memory.mjs server ws|roll`

async function measured() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc()
    await sleep(20)
  }
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage()
  return { heap: heapUsed + arrayBuffers, rss }
}

async function wsServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await once(wss, 'listening')
  wss.on('connection', (ws) => {
    ws.on('message', (m, isBinary) => ws.send(m, { binary: isBinary }))
  })
  return {
    port: wss.address().port,
    keepAlive() {
      setInterval(() => {
        for (const ws of wss.clients) ws.ping()
      }, PING_EVERY)
    },
  }
}

async function rollServer() {
  const { Roll, serve } = await import('@roll/framework')
  const app = new Roll()
  // The client sends KEEPALIVE to start the keep-alive loop: until then the handler holds
  // exactly what the plain echo handler holds.
  app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
    for await (const m of ws) {
      if (m === KEEPALIVE) void keepAlive(ws)
      else await ws.send(m)
    }
  })
  async function keepAlive(ws) {
    for (;;) {
      await sleep(PING_EVERY)
      try {
        await ws.ping(undefined, { timeout: PING_TIMEOUT })
      } catch {
        return ws.close(1011, 'keep-alive ping timed out')
      }
    }
  }
  const { port } = await serve(app, { port: 0 })
  return { port, keepAlive() {} }
}

async function server(kind) {
  const { port, keepAlive } = kind === 'ws' ? await wsServer() : await rollServer()
  process.on('message', async (command) => {
    if (command === 'measure') process.send(await measured())
    if (command === 'keepalive') keepAlive()
  })
  process.send({ port })
}

// ---- the client (child process): `node websocket-memory.mjs client`

function client() {
  const idle = []
  let closed = 0
  let pings = 0

  function open(url, onClose) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false })
      const timer = setTimeout(() => reject(new Error(`no echo within 30 s from ${url}`)), 30_000)
      ws.once('error', reject)
      ws.once('open', () => ws.send('hello'))
      ws.once('message', (data) => {
        clearTimeout(timer)
        if (data.toString() !== 'hello') reject(new Error(`wrong echo: ${data}`))
        ws.off('error', reject)
        ws.on('error', () => {})
        ws.on('close', onClose)
        resolve(ws)
      })
    })
  }

  async function openMany(url, count, onClose) {
    const sockets = []
    for (let start = 0; start < count; start += BATCH) {
      const batch = []
      for (let i = start; i < Math.min(count, start + BATCH); i++) batch.push(open(url, onClose))
      sockets.push(...(await Promise.all(batch)))
    }
    return sockets
  }

  process.on('message', async ({ command, url, count }) => {
    try {
      if (command === 'warm-up') {
        let left = count
        let done
        const all = new Promise((resolve) => (done = resolve))
        const sockets = await openMany(url, count, () => --left === 0 && done())
        for (const ws of sockets) ws.close()
        await all
        process.send({ ok: true })
      } else if (command === 'open') {
        idle.push(...(await openMany(url, count, () => closed++)))
        for (const ws of idle) ws.on('ping', () => pings++)
        process.send({ ok: true })
      } else if (command === 'keepalive') {
        for (const ws of idle) ws.send(KEEPALIVE)
        process.send({ ok: true })
      } else if (command === 'status') {
        process.send({ ok: true, open: idle.filter((ws) => ws.readyState === WebSocket.OPEN).length, closed, pings })
      }
    } catch (error) {
      process.send({ ok: false, error: String(error?.stack ?? error) })
    }
  })
  process.send({ ok: true })
}

// ---- the bench (parent)

function limits() {
  const { stdout, status } = spawnSync('bash', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' })
  if (status !== 0) return { soft: Infinity, hard: Infinity }
  const [soft, hard] = stdout.trim().split('\n').map((value) => (value === 'unlimited' ? Infinity : Number(value)))
  return { soft, hard }
}

// Started through bash when the soft limit of open files is below what N connections need.
function start(args, { gc = false, raiseTo } = {}) {
  const node = [...(gc ? ['--expose-gc'] : []), SELF, ...args]
  const stdio = ['ignore', 'inherit', 'inherit', 'ipc']
  if (raiseTo === undefined) return spawn(process.execPath, node, { stdio })
  return spawn('bash', ['-c', `ulimit -n ${raiseTo} && exec "$0" "$@"`, process.execPath, ...node], { stdio })
}

async function ask(child, message) {
  child.send(message)
  const [reply] = await Promise.race([once(child, 'message'), once(child, 'exit').then(([code]) => [{ ok: false, error: `exited with ${code}` }])])
  if (reply.ok === false) throw new Error(`child: ${reply.error}`)
  return reply
}

async function firstMessage(child, what) {
  const [message] = await Promise.race([once(child, 'message'), once(child, 'exit').then(() => [undefined])])
  if (message === undefined) throw new Error(`${what} did not start`)
  return message
}

async function runOne(kind, count, raiseTo) {
  const serverProcess = start(['server', kind], { gc: true, raiseTo })
  const clientProcess = start(['client'], { raiseTo })
  try {
    const { port } = await firstMessage(serverProcess, `the ${kind} server`)
    await firstMessage(clientProcess, 'the client')
    const url = kind === 'ws' ? `ws://127.0.0.1:${port}/` : `ws://127.0.0.1:${port}/ws`
    await ask(clientProcess, { command: 'warm-up', url, count: Math.min(WARM_UP, count) })
    await sleep(300)
    const before = await ask(serverProcess, 'measure')
    const opening = performance.now()
    await ask(clientProcess, { command: 'open', url, count })
    const openSeconds = (performance.now() - opening) / 1000
    await sleep(300)
    const idle = await ask(serverProcess, 'measure')
    serverProcess.send('keepalive')
    await ask(clientProcess, { command: 'keepalive' })
    await sleep(PING_FOR)
    const pinging = await ask(serverProcess, 'measure')
    const status = await ask(clientProcess, { command: 'status' })
    const per = (after) => ({ heap: (after.heap - before.heap) / count, rss: (after.rss - before.rss) / count })
    return { idle: per(idle), pinging: per(pinging), dropped: status.closed, open: status.open, pings: status.pings, openSeconds }
  } finally {
    serverProcess.kill()
    clientProcess.kill()
    await Promise.all([serverProcess, clientProcess].map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)))
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const span = (values, digits) => `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`
const kib = (values) => span(values.map((bytes) => bytes / 1024), 2)

async function bench() {
  const quick = process.argv.includes('--quick')
  const [roundsArg, countArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'))
  const rounds = Number(roundsArg ?? (quick ? 1 : 3))
  let count = Number(countArg ?? (quick ? 1000 : 10_000))
  if (!(Number.isInteger(rounds) && rounds > 0 && Number.isInteger(count) && count > 0)) {
    throw new Error('usage: node bench/websocket-memory.mjs [rounds ≥ 1] [connections ≥ 1] [--quick]')
  }
  // Each side holds `count` sockets, plus what Node itself opens.
  const needed = count + 256
  const { soft, hard } = limits()
  let raiseTo
  if (soft < needed) {
    if (hard < needed) {
      const lowered = Math.floor((hard - 256) / 100) * 100
      if (lowered < 100) throw new Error(`the open-file limit (ulimit -n) is ${soft}, at most ${hard}: too low for this bench`)
      console.log(`The open-file limit (ulimit -Hn) is ${hard}: too low for ${count} connections; measuring ${lowered} instead.`)
      count = lowered
    }
    if (soft < count + 256) raiseTo = hard
  }

  const kinds = ['ws', 'roll']
  const results = { ws: [], roll: [] }
  const ratios = { heap: [], rss: [], pingHeap: [], pingRss: [] }
  let failed = false
  const started = Date.now()
  for (let round = 1; round <= rounds; round++) {
    // Alternate who goes first, so a drift of the machine hits both alike.
    const order = round % 2 ? kinds : [...kinds].reverse()
    const run = {}
    for (const kind of order) {
      const result = (run[kind] = await runOne(kind, count, raiseTo))
      results[kind].push(result)
      const pingsPerConnection = result.pings / count
      console.log(`round ${round} ${kind.padEnd(4)} idle: heap+AB ${(result.idle.heap / 1024).toFixed(2)} KiB, ` +
        `RSS ${(result.idle.rss / 1024).toFixed(2)} KiB per connection; during pings: heap+AB ` +
        `${(result.pinging.heap / 1024).toFixed(2)} KiB, RSS ${(result.pinging.rss / 1024).toFixed(2)} KiB; ` +
        `${result.dropped} closed, ${pingsPerConnection.toFixed(1)} pings each, opened in ${result.openSeconds.toFixed(1)} s`)
      // At least PING_FOR / PING_EVERY − 1 pings must have reached every connection.
      if (result.dropped > 0 || result.open !== count || pingsPerConnection < PING_FOR / PING_EVERY - 1) {
        console.log(`FAIL: ${kind}: ${result.dropped} of ${count} connections closed during the keep-alive pings, ` +
          `${result.open} open, ${result.pings} pings received`)
        failed = true
      }
    }
    ratios.heap.push(run.roll.idle.heap / run.ws.idle.heap)
    ratios.rss.push(run.roll.idle.rss / run.ws.idle.rss)
    ratios.pingHeap.push(run.roll.pinging.heap / run.ws.pinging.heap)
    ratios.pingRss.push(run.roll.pinging.rss / run.ws.pinging.rss)
  }

  const column = (text) => text.padEnd(28)
  console.log(`\n${rounds} interleaved round(s), ${count} websockets per server (one echo each, then idle), ` +
    `${((Date.now() - started) / 1000).toFixed(0)} s; memory per connection after gc(), median (min–max), KiB`)
  console.log(`idle (measured before any ping; the target):`)
  console.log(`         ${column('heap+ArrayBuffers')}RSS`)
  for (const kind of kinds) console.log(`${kind.padEnd(9)}${column(kib(results[kind].map((r) => r.idle.heap)))}${kib(results[kind].map((r) => r.idle.rss))}`)
  console.log(`roll/ws  ${column(span(ratios.heap, 2))}${span(ratios.rss, 2)}`)
  console.log(`during keep-alive pings (every ${PING_EVERY / 1000} s for ${PING_FOR / 1000} s; Roll's handlers each run a ping loop):`)
  for (const kind of kinds) console.log(`${kind.padEnd(9)}${column(kib(results[kind].map((r) => r.pinging.heap)))}${kib(results[kind].map((r) => r.pinging.rss))}`)
  console.log(`roll/ws  ${column(span(ratios.pingHeap, 2))}${span(ratios.pingRss, 2)}`)
  for (const kind of kinds) {
    console.log(`${kind}: ${results[kind].reduce((sum, r) => sum + r.dropped, 0)} connections closed during the pings, over all rounds`)
  }
  if (failed) {
    console.log('FAIL: connections were dropped during the keep-alive pings')
    process.exitCode = 1
  }
}

const [mode, kind] = process.argv.slice(2)
if (mode === 'server') await server(kind)
else if (mode === 'client') client()
else await bench()
