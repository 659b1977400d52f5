// The five bench routes on Roll, as an app module: roll.mjs serves it from the workspace,
// roll-built.mjs as `roll build` bundles it.
import { Roll } from '@roll/framework'

export const app = new Roll()
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
