// The app that bench/soak.mjs loads for minutes: run with `node --expose-gc`, forked so
// that the soak can ask it over IPC for its memory after a full garbage collection.
import { setImmediate } from 'node:timers/promises'
import { Roll, serve } from '@roll/framework'

const app = new Roll()
app.route('/hello/{name}', (request, response, { name }) => {
  response.body = `Hello ${name}`
})
app.route('/json', (request, response) => {
  response.json = { message: 'Hello, World!', numbers: [1, 2, 3] }
})
app.route('/echo', { methods: ['POST'] }, (request, response) => {
  response.headers['Content-Type'] = 'application/octet-stream'
  response.body = request.body
})
app.route('/boom', () => {
  throw new Error('soak: this route always throws')
})
app.route('/ws', { protocol: 'websocket' }, async (request, ws) => {
  for await (const message of ws) await ws.send(message)
})

const served = await serve(app, { port: 0 })
process.send({ port: served.port })
process.on('message', async (message) => {
  if (message !== 'memory') return
  // Several passes, a turn of the event loop apart, so that weak callbacks and
  // finalizers run and what they free is collected too.
  for (let pass = 0; pass < 3; pass++) {
    global.gc()
    await setImmediate()
  }
  process.send({ memory: process.memoryUsage() })
})
// The soak is gone (even killed with SIGKILL): do not outlive it.
process.on('disconnect', () => process.exit(0))
