// Broadcast throughput: one publish to N subscribers (10,000 by default), side by side in
// one run, interleaved rounds, medians and spread (min–max):
//   ws         a bare `ws` server looping over wss.clients (the peer baseline, one process)
//   roll       Roll's pubsub hub in one process
//   roll ×2    the hub in 2 cluster workers relayed by their primary (relayPubSub, as roll
//              start does), the subscribers spread over both
// A client process holds the N websockets; one of them asks its server to publish a
// message of 64 bytes; the time is from that request to the moment all N have it. The
// servers also report their CPU time for one publish (user+sys, the workers summed).
// Roll comes from framework/dist (`npm run build`).
// Usage: node bench/pubsub.mjs [rounds] [subscribers] [--quick]
import cluster from 'node:cluster'
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import WebSocket, { WebSocketServer } from 'ws'

const SELF = fileURLToPath(import.meta.url)
const PUBLISHES = 20
const MESSAGE = 'x'.repeat(64)

// ---- servers: `node pubsub.mjs server ws|roll|cluster <port>`

const cpu = () => { const { user, system } = process.cpuUsage(); return user + system }

function wsServer(port) {
  const wss = new WebSocketServer({ port, host: '127.0.0.1' })
  wss.on('connection', (ws) => ws.on('message', (data) => {
    const started = cpu()
    for (const client of wss.clients) client.send(String(data))
    process.send({ cpu: cpu() - started })
  }))
  return once(wss, 'listening')
}

async function rollServer(port) {
  const { Roll, serve } = await import('@roll/framework')
  const { pubsub } = await import('@roll/framework/extensions')
  const app = new Roll()
  const hub = pubsub(app)
  app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
    hub.subscribe(ws, 'news')
    await ws.send(`ready ${process.pid}`)
    for await (const message of ws) {
      const started = cpu()
      hub.publish('news', message)
      process.send({ cpu: cpu() - started })
    }
  })
  // A relayed message is delivered to this worker's subscribers: time that too.
  process.on('message', (message) => {
    if (message?.type !== 'roll:pubsub') return
    const started = cpu()
    setImmediate(() => process.send({ cpu: cpu() - started, relayed: true }))
  })
  await serve(app, { port, host: '127.0.0.1' })
}

async function clusterServer(port) {
  if (cluster.isPrimary) {
    const { relayPubSub } = await import('@roll/framework/cluster')
    relayPubSub(cluster)
    let listening = 0
    for (let index = 0; index < 2; index++) {
      const worker = cluster.fork()
      worker.on('message', (message) => process.send(message))
      worker.on('listening', () => { if (++listening === 2) process.send({ listening: true }) })
    }
    return new Promise(() => {})
  }
  return rollServer(port)
}

if (process.argv[2] === 'server') {
  const [kind, port] = [process.argv[3], Number(process.argv[4])]
  if (kind === 'ws') await wsServer(port)
  else if (kind === 'roll') await rollServer(port)
  else await clusterServer(port)
  if (kind !== 'cluster') process.send({ listening: true })
  else if (cluster.isWorker) await new Promise(() => {})
}

// ---- the client process: `node pubsub.mjs client <url> <n>`

async function client(url, count) {
  const sockets = []
  let received = 0
  let onAll
  for (let opened = 0; opened < count;) {
    const batch = Math.min(200, count - opened)
    await Promise.all(Array.from({ length: batch }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      ws.on('message', (data) => {
        if (String(data).startsWith('ready')) return
        if (++received % count === 0) onAll?.()
      })
      ws.once('open', () => { sockets.push(ws); resolve() })
      ws.once('error', reject)
    })))
    opened += batch
  }
  await new Promise((resolve) => setTimeout(resolve, 500))
  process.on('message', async ({ publish }) => {
    const all = new Promise((resolve) => (onAll = resolve))
    const started = process.hrtime.bigint()
    sockets[publish % sockets.length].send(MESSAGE)
    await all
    process.send({ ms: Number(process.hrtime.bigint() - started) / 1e6 })
  })
  process.send({ ready: true })
}

if (process.argv[2] === 'client') await client(process.argv[3], Number(process.argv[4]))

// ---- the runner

function freePort() {
  return new Promise((resolve) => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = wss.address()
      wss.close(() => resolve(port))
    })
  })
}

const next = (child, key) => new Promise((resolve) => {
  const listener = (message) => { if (message[key] !== undefined) { child.off('message', listener); resolve(message) } }
  child.on('message', listener)
})

async function measure(kind, subscribers) {
  const port = await freePort()
  const server = fork(SELF, ['server', kind, String(port)], { stdio: 'inherit' })
  await next(server, 'listening')
  const cpuTimes = []
  server.on('message', (message) => { if (message.cpu !== undefined) cpuTimes.push(message.cpu) })
  const path = kind === 'ws' ? '' : '/ws'
  const child = fork(SELF, ['client', `ws://127.0.0.1:${port}${path}`, String(subscribers)], { stdio: 'inherit' })
  await next(child, 'ready')
  const times = []
  for (let publish = 0; publish < PUBLISHES; publish++) {
    child.send({ publish })
    times.push((await next(child, 'ms')).ms)
  }
  child.kill()
  server.kill()
  await once(server, 'exit')
  // CPU per publish: every process's share (the publisher's and, across workers, the other's).
  const cpuPerPublish = cpuTimes.reduce((sum, value) => sum + value, 0) / PUBLISHES
  return { ms: median(times), cpu: cpuPerPublish }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

if (process.argv[2] === undefined || /^\d|--/.test(process.argv[2])) {
  const quick = process.argv.includes('--quick')
  const numbers = process.argv.slice(2).filter((arg) => /^\d+$/.test(arg)).map(Number)
  const rounds = numbers[0] ?? (quick ? 1 : 3)
  const subscribers = numbers[1] ?? (quick ? 1_000 : 10_000)
  const kinds = ['ws', 'roll', 'cluster']
  const results = Object.fromEntries(kinds.map((kind) => [kind, []]))
  console.log(`one publish of ${MESSAGE.length} bytes to ${subscribers} subscribers, ${PUBLISHES} publishes per round, ${rounds} rounds`)
  for (let round = 1; round <= rounds; round++) {
    for (const kind of round % 2 ? kinds : [...kinds].reverse()) results[kind].push(await measure(kind, subscribers))
    console.log(`round ${round}: ${kinds.map((kind) => `${kind} ${results[kind].at(-1).ms.toFixed(1)} ms`).join(', ')}`)
  }
  const row = (kind, label) => {
    const ms = results[kind].map((result) => result.ms)
    const cpuMs = results[kind].map((result) => result.cpu / 1000)
    const ratio = median(ms) / median(results.ws.map((result) => result.ms))
    return `| ${label} | ${median(ms).toFixed(1)} (${Math.min(...ms).toFixed(1)}–${Math.max(...ms).toFixed(1)}) | ${median(cpuMs).toFixed(2)} | ${ratio.toFixed(2)}× |`
  }
  console.log('\n| server | ms until all have it, median (min–max) | server CPU ms per publish | time vs ws |')
  console.log('|---|---:|---:|---:|')
  console.log(row('ws', 'bare ws, one process'))
  console.log(row('roll', 'Roll pubsub, one process'))
  console.log(row('cluster', 'Roll pubsub, 2 workers'))
}
