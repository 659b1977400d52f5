// Roll against raw node:http and fastify on the real node:http server (llhttp,
// IncomingMessage, ServerResponse), in one process, fed by an in-memory socket instead of
// TCP: the syscalls and the load generator drop out, so CPU time per request is steadier
// than over loopback (bench/framework.mjs). The servers are bench/servers' own, listening
// (on port 0) as they would in production: a listening node:http server also tracks its
// connections for its timeouts. Rounds interleave the servers; medians and p25–p75 of the
// per-round ratios. Roll comes from framework/dist (`npx tsc -b framework`).
// Usage: node bench/http-in-process.mjs [rounds] [requests per round]
import { Duplex } from 'node:stream'

const rounds = Number(process.argv[2] ?? 21)
const perRound = Number(process.argv[3] ?? 16_000)
const PIPELINED = 32 // requests written at once on the socket, answered one after the other

const echoBody = JSON.stringify({ items: Array.from({ length: 28 }, (_, id) => ({ id, name: `item-${id}`, ok: id % 2 === 0 })) })
const routes = {
  hello: 'GET /hello/world',
  json: 'GET /json',
  query: 'GET /query?name=roll&n=3',
  echo: 'POST /echo',
  404: 'GET /nope',
}
const rawRequest = (line) => line.startsWith('POST')
  ? `${line} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${echoBody.length}\r\n\r\n${echoBody}`
  : `${line} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n`

process.env.PORT = '0'
const servers = {}
for (const name of ['raw', 'fastify', 'roll']) servers[name] = (await import(`./servers/${name}.mjs`)).server

// One in-memory connection to `server`: `exchange(payload)` writes PIPELINED requests and
// resolves once as many responses are out.
function connect(server) {
  let seen = 0
  let target = 0
  let written = ''
  let recording = true // until the first answers are checked
  let done
  const count = (chunk) => {
    const text = chunk.toString('latin1')
    if (recording) written += text
    for (let at = text.indexOf('HTTP/1.1 '); at !== -1; at = text.indexOf('HTTP/1.1 ', at + 1)) seen++
    if (seen >= target && done) done()
  }
  const socket = new Duplex({
    read() {},
    write(chunk, encoding, callback) { count(chunk); callback() },
    writev(chunks, callback) { for (const { chunk } of chunks) count(chunk); callback() },
  })
  Object.assign(socket, { remoteAddress: '127.0.0.1', setTimeout: () => socket, setNoDelay: () => socket, setKeepAlive: () => socket })
  server.emit('connection', socket)
  const exchange = (payload) => new Promise((resolve) => {
    target = seen + PIPELINED
    done = () => { done = undefined; resolve() }
    socket.push(payload)
  })
  exchange.written = () => { recording = false; return written }
  return exchange
}

// A wrong server must not look fast: the first answers of each are checked.
const EXPECTED = {
  hello: [200, 'Hello world'], json: [200, '{"message":"Hello, World!"}'], query: [200, '{"name":"roll","n":"3"}'], echo: [200, echoBody], 404: [404, '/nope'],
}
function check(name, route, text) {
  const [status, body] = EXPECTED[route]
  if (!text.startsWith(`HTTP/1.1 ${status} `) || !text.includes(`\r\n\r\n${body}HTTP/1.1 `)) throw new Error(`${name} ${routes[route]}: unexpected answer ${JSON.stringify(text.slice(0, 300))}`)
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]
const quartiles = (values) => { const sorted = [...values].sort((a, b) => a - b); return [sorted[values.length >> 2], sorted[(3 * values.length) >> 2]] }
const ratio = (values, over) => {
  const ratios = values.map((value, i) => value / over[i])
  const [low, high] = quartiles(ratios)
  return `${median(ratios).toFixed(2)} (${low.toFixed(2)}–${high.toFixed(2)})`.padEnd(18)
}
const names = Object.keys(servers)

console.log(`${rounds} interleaved rounds of ${perRound} requests per route and server, ${PIPELINED} pipelined on one in-memory connection; CPU µs per request, median`)
console.log('route  raw     fastify roll    roll/raw (p25–p75) roll/fastify (p25–p75)')
for (const [route, line] of Object.entries(routes)) {
  const payload = Buffer.from(rawRequest(line).repeat(PIPELINED))
  const exchanges = Object.fromEntries(names.map((name) => [name, connect(servers[name])]))
  const cpu = Object.fromEntries(names.map((name) => [name, []]))
  for (const name of names) {
    await exchanges[name](payload)
    check(name, route, exchanges[name].written())
    for (let i = 0; i < perRound / PIPELINED; i++) await exchanges[name](payload) // warm-up
  }
  for (let round = 0; round < rounds; round++) {
    // Each server goes first, second and last in turn.
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]
      const before = process.cpuUsage()
      for (let j = 0; j < perRound / PIPELINED; j++) await exchanges[name](payload)
      const used = process.cpuUsage(before)
      cpu[name].push((used.user + used.system) / perRound)
    }
  }
  console.log(`${route.padEnd(6)} ${names.map((name) => median(cpu[name]).toFixed(2).padEnd(7)).join(' ')} ${ratio(cpu.roll, cpu.raw)} ${ratio(cpu.roll, cpu.fastify)}`)
}
process.exit(0)
