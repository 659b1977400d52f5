// The app the fuzzer attacks, run in a child process so that a crash shows as an exit:
// a route for every body kind, query casts, cookies, placeholders, streams and a
// websocket echo. None of its handlers fails on any input but through an HttpError, so
// any 500 it answers is the framework's fault. Prints `listening <port>` when ready.
import { Roll, serve } from '../../framework/dist/index.js'

const app = new Roll({ maxBodySize: 64 * 1024, maxMessageSize: 64 * 1024 })
const describeFiles = (files) => [...files].map(([name, list]) => [name, list.map((file) => [file.filename, file.size])])

app.route('/health', (request, response) => { response.body = 'ok' })
app.route('/hello/{name}', (request, response, { name }) => { response.body = `Hello ${name}` })
app.route('/files/{name}.{ext}', (request, response, { name, ext }) => { response.json = { name, ext } })
app.route('/items/{id:digit}/{rest:path}', (request, response, { id, rest }) => { response.json = { id, rest } })
app.route('/query', (request, response) => {
  const { query } = request
  response.json = { n: query.int('n', 0), f: query.float('f', 0), b: query.bool('b', false), tags: query.list('tag', []) }
})
app.route('/cookies', (request, response) => {
  response.cookies.set('count', String(Object.keys(request.cookies).length), { httpOnly: true })
  response.json = request.cookies
})
app.route('/form', { methods: ['POST', 'PUT'] }, (request, response) => {
  response.json = { form: [...request.form], files: describeFiles(request.files) }
})
app.route('/json', { methods: ['POST', 'PUT', 'PATCH'] }, (request, response) => { response.json = { type: typeof request.json } })
app.route('/echo', { methods: ['POST'] }, (request, response) => { response.body = request.body })
app.route('/lazy', { methods: ['POST'], lazyBody: true }, async (request, response) => {
  let size = 0
  for await (const chunk of request) size += chunk.length
  response.body = String(size)
})
app.route('/lazy-read', { methods: ['POST'], lazyBody: true }, async (request, response) => {
  response.body = await request.read()
})
app.route('/stream', (request, response) => {
  response.body = (async function* () { yield 'one '; yield 'two' })()
})
app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
  for await (const message of ws) await ws.send(message)
})

const served = await serve(app, { port: 0, headersTimeout: 5_000, requestTimeout: 10_000 })
console.log(`listening ${served.port}`)
