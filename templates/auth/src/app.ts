// The app: a public page, a page behind HTTP Basic authentication, and a websocket behind
// the same check. It never listens: `roll dev`, `roll start`, dist/server.mjs and the tests serve it.
import { Roll } from '@roll/framework'
import { basicAuth, credentialsFromEnv, type BasicAuthOptions } from './auth.js'
import { favicon, home } from './home.js'

/** Builds the app; without credentials every protected route answers 401. */
export function createApp(credentials: BasicAuthOptions | undefined): Roll {
  const app = new Roll()
  const { check, authRequired } = basicAuth(credentials)
  if (!credentials) {
    app.listen('startup', () => {
      console.warn('AUTH_USERNAME and AUTH_PASSWORD are not set: the private routes answer 401 to everyone.')
    })
  }

  // The public page a browser shows at / (it links to /private), and its icon.
  app.route('/', home(credentials !== undefined))
  app.route('/favicon.ico', favicon)

  app.route(
    '/private',
    authRequired(async (request, response) => {
      response.body = `Hello ${request.get('user')}, you are logged in.`
    }),
  )

  // A websocket handler runs after the upgrade, too late for a 401: routes marked
  // `authRequired` are checked in the `headers` event, before anything else happens.
  app.route('/private/ws', { protocol: 'websocket', authRequired: true }, async (request, ws) => {
    await ws.send(`Hello ${request.get('user')}`)
    for await (const message of ws) await ws.send(message)
  })
  app.listen('headers', (request, response) => request.route.payload?.authRequired === true && !check(request, response))

  return app
}

/** The app, with the credentials of AUTH_USERNAME and AUTH_PASSWORD (realm: AUTH_REALM). */
export const app = createApp(credentialsFromEnv())
