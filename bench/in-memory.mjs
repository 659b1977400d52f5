// The requests of the in-process benches (http-in-process.mjs, instructions.mjs) and an
// in-memory connection to a node:http server: the servers' own parsing and writing run,
// the syscalls and a load generator do not.
import { once } from 'node:events'
import { Duplex } from 'node:stream'

export const PIPELINED = 32 // requests written at once on the socket, answered one after the other

const echoBody = JSON.stringify({ items: Array.from({ length: 28 }, (_, id) => ({ id, name: `item-${id}`, ok: id % 2 === 0 })) })
export const routes = {
  hello: 'GET /hello/world',
  json: 'GET /json',
  query: 'GET /query?name=roll&n=3',
  echo: 'POST /echo',
  404: 'GET /nope',
}
const rawRequest = (line) => line.startsWith('POST')
  ? `${line} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${echoBody.length}\r\n\r\n${echoBody}`
  : `${line} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n`
/** PIPELINED requests to `route`, as bytes. */
const payloadOf = (route) => Buffer.from(rawRequest(routes[route]).repeat(PIPELINED))

/** bench/servers' raw, fastify and roll (and roll-built, once build-roll.mjs has built it), listening on port 0 as they would in production. */
export async function importServers(names = ['raw', 'fastify', 'roll']) {
  process.env.PORT = '0'
  const servers = {}
  for (const name of names) {
    const { server } = await import(`./servers/${name}.mjs`)
    // Until it listens, a node:http server does not track its connections: that is cheaper.
    if (!server.listening) await once(server, 'listening')
    servers[name] = server
  }
  return servers
}

// A wrong server must not look fast: the first answers of each are checked.
const EXPECTED = {
  hello: [200, 'Hello world'], json: [200, '{"message":"Hello, World!"}'], query: [200, '{"name":"roll","n":"3"}'], echo: [200, echoBody], 404: [404, '/nope'],
}

/**
 * One in-memory connection to `server` for `route`: `exchange()` writes PIPELINED requests
 * and resolves once as many responses are out; `exchange.check()` throws unless the first
 * answers were the expected ones.
 */
export function connect(server, name, route) {
  const payload = payloadOf(route)
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
  const exchange = () => new Promise((resolve) => {
    target = seen + PIPELINED
    done = () => { done = undefined; resolve() }
    socket.push(payload)
  })
  exchange.check = () => {
    recording = false
    const [status, body] = EXPECTED[route]
    if (!written.startsWith(`HTTP/1.1 ${status} `) || !written.includes(`\r\n\r\n${body}HTTP/1.1 `)) {
      throw new Error(`${name} ${routes[route]}: unexpected answer ${JSON.stringify(written.slice(0, 300))}`)
    }
  }
  return exchange
}
