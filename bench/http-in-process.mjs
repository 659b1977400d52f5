// Roll against raw node:http on the real node:http server (llhttp, IncomingMessage,
// ServerResponse), in one process, fed by an in-memory socket instead of TCP: the syscalls
// and the load generator drop out, so CPU time per request is steadier than over loopback
// (bench/framework.mjs). Rounds interleave the two servers; medians and p25–p75 of the
// per-round ratios. Roll comes from framework/dist (`npx tsc -b framework`).
// Usage: node bench/http-in-process.mjs [rounds] [requests per round]
import { createServer } from 'node:http'
import { Duplex } from 'node:stream'
import { Roll, serve } from '@roll/framework'

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

const TEXT = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
function rawServer() {
  const send = (response, status, type, body) => {
    response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) })
    response.end(body)
  }
  return createServer((request, response) => {
    const url = request.url
    const mark = url.indexOf('?')
    const path = mark === -1 ? url : url.slice(0, mark)
    if (path.startsWith('/hello/')) send(response, 200, TEXT, `Hello ${decodeURIComponent(path.slice(7))}`)
    else if (path === '/json') send(response, 200, JSON_TYPE, JSON.stringify({ message: 'Hello, World!' }))
    else if (path === '/query') {
      const query = new URLSearchParams(url.slice(mark + 1))
      send(response, 200, JSON_TYPE, JSON.stringify({ name: query.get('name'), n: query.get('n') }))
    } else if (path === '/echo') {
      const chunks = []
      request.on('data', (chunk) => chunks.push(chunk))
      request.on('end', () => send(response, 200, JSON_TYPE, JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')))))
    } else send(response, 404, TEXT, decodeURIComponent(path))
  })
}

async function rollServer() {
  const app = new Roll()
  app.route('/hello/{name}', (request, response, { name }) => { response.body = `Hello ${name}` })
  app.route('/json', (request, response) => { response.json = { message: 'Hello, World!' } })
  app.route('/query', (request, response) => { response.json = { name: request.query.get('name'), n: request.query.get('n') } })
  app.route('/echo', { methods: ['POST'] }, (request, response) => { response.json = request.json })
  return (await serve(app, { port: 0 })).server
}

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

const servers = { raw: rawServer(), roll: await rollServer() }
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]
const quartiles = (values) => { const sorted = [...values].sort((a, b) => a - b); return [sorted[values.length >> 2], sorted[(3 * values.length) >> 2]] }

console.log(`${rounds} interleaved rounds of ${perRound} requests per route and server, ${PIPELINED} pipelined on one in-memory connection; CPU µs per request, median`)
console.log('route  raw     roll    roll/raw (p25–p75)')
for (const [route, line] of Object.entries(routes)) {
  const payload = Buffer.from(rawRequest(line).repeat(PIPELINED))
  const exchanges = Object.fromEntries(Object.entries(servers).map(([name, server]) => [name, connect(server)]))
  const cpu = { raw: [], roll: [] }
  for (const name in exchanges) {
    await exchanges[name](payload)
    check(name, route, exchanges[name].written())
    for (let i = 0; i < perRound / PIPELINED; i++) await exchanges[name](payload) // warm-up
  }
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 ? ['roll', 'raw'] : ['raw', 'roll']) {
      const before = process.cpuUsage()
      for (let i = 0; i < perRound / PIPELINED; i++) await exchanges[name](payload)
      const used = process.cpuUsage(before)
      cpu[name].push((used.user + used.system) / perRound)
    }
  }
  const ratios = cpu.roll.map((value, i) => value / cpu.raw[i])
  const [low, high] = quartiles(ratios)
  console.log(`${route.padEnd(6)} ${median(cpu.raw).toFixed(2).padEnd(7)} ${median(cpu.roll).toFixed(2).padEnd(7)} ${median(ratios).toFixed(2)} (${low.toFixed(2)}–${high.toFixed(2)})`)
}
process.exit(0)
