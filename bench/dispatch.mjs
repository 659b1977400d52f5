// What Roll itself costs per request, without sockets or llhttp: the listener that
// `serve` gives Node, fed an in-memory request and sink, in a tight loop. The rest of a
// request's cost (parsing, syscalls) is Node's, the same for raw node:http.
import { Roll, createRequestListener } from '@roll/framework'

const app = new Roll()
app.route('/hello/{name}', (request, response, { name }) => { response.body = `Hello ${name}` })
app.route('/json', (request, response) => { response.json = { message: 'Hello, World!' } })
const listener = createRequestListener(app)
const sink = { writeHead() {}, write: () => true, end() {}, destroy() {}, destroyed: false, once() {}, off() {} }
const headers = { host: '127.0.0.1', 'user-agent': 'bench' }
const source = (url) => ({ method: 'GET', url, headers, complete: true, async *[Symbol.asyncIterator]() {} })

const requests = 200_000
for (const url of ['/hello/world', '/json']) {
  const runs = []
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint()
    for (let i = 0; i < requests; i++) await listener(source(url), sink)
    runs.push(Number(process.hrtime.bigint() - started) / requests / 1000)
  }
  const [first, ...warm] = runs
  warm.sort((a, b) => a - b)
  console.log(`${url.padEnd(13)} ${((warm[1] + warm[2]) / 2).toFixed(2)} µs per request (median of ${warm.length} warm runs of ${requests}; min ${warm[0].toFixed(2)}, max ${warm.at(-1).toFixed(2)}; cold ${first.toFixed(2)})`)
}
