// The same two routes on Roll.
import { Roll, serve } from '@roll/framework'

const app = new Roll()
app.route('/hello/{name}', (request, response, { name }) => {
  response.body = `Hello ${name}`
})
app.route('/json', (request, response) => {
  response.json = { message: 'Hello, World!' }
})
await serve(app, { port: Number(process.env.PORT) })
process.send?.('ready')
// The bench asks for the CPU time this server has used, to compare the cost per request.
process.on('message', () => process.send?.(process.cpuUsage()))
