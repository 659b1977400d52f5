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
