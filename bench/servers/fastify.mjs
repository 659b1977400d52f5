// The same five routes on fastify 5, as its guide writes them: no logger, no schemas,
// its own JSON body parser and query-string parser.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/hello/:name', async (request) => `Hello ${request.params.name}`)
app.get('/json', async () => ({ message: 'Hello, World!' }))
app.get('/query', async (request) => ({ name: request.query.name, n: request.query.n }))
app.post('/echo', async (request) => request.body)
// As Roll does: the path as a text body (fastify's default 404 is a longer JSON).
app.setNotFoundHandler(async (request, reply) => {
  const url = request.raw.url
  const mark = url.indexOf('?')
  reply.code(404).type('text/plain; charset=utf-8')
  return decodeURIComponent(mark === -1 ? url : url.slice(0, mark))
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
export const server = app.server
process.send?.('ready')
// The bench asks for the CPU time this server has used, to compare the cost per request.
process.on('message', () => process.send?.(process.cpuUsage()))
