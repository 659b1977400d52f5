// The five bench routes on Roll.
import { Roll, serve } from '@roll/framework'

const app = new Roll()
app.route('/hello/{name}', (request, response, { name }) => {
  response.body = `Hello ${name}`
})
app.route('/json', (request, response) => {
  response.json = { message: 'Hello, World!' }
})
app.route('/query', (request, response) => {
  response.json = { name: request.query.get('name'), n: request.query.get('n') }
})
app.route('/echo', { methods: ['POST'] }, async (request, response) => {
  response.json = await request.json
})
// Unknown paths: Roll's own 404 (body: the path).
export const { server } = await serve(app, { port: Number(process.env.PORT) })
process.send?.('ready')
// The bench asks for the CPU time this server has used, to compare the cost per request.
process.on('message', () => process.send?.(process.cpuUsage()))
