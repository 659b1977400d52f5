// The app: a first page, Roll's hello route, a JSON route and the logger extension. It never listens:
// `roll dev`, `roll start`, the built server (dist/server.mjs) and the tests serve it.
import { HttpError, HTTPStatus, Roll } from '@roll/framework'
import { logger } from '@roll/framework/extensions'
import { favicon, home } from './home.js'

export const app = new Roll()

// One line per request ("GET /hello/world") on the console.
logger(app)

// The page a browser shows at / (links to the routes below), and its icon.
app.route('/', home)
app.route('/favicon.ico', favicon)

app.route('/hello/{parameter}', async (request, response, { parameter }) => {
  if (parameter === 'foo') {
    // An HttpError becomes the response: its status, and its message as the body.
    throw new HttpError(HTTPStatus.BAD_REQUEST, 'Run, you foo(l)!')
  }
  response.body = `Hello ${parameter}`
})

// GET /api/greeting?name=Ada → {"greeting":"Hello Ada"}; without `name`, "Hello world".
app.route('/api/greeting', async (request, response) => {
  const name = request.query.get('name', 'world')
  response.json = { greeting: `Hello ${name}` }
})
