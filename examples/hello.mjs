// Roll's hello app: `npm run demo`, then open http://127.0.0.1:3579/hello/world
import { Roll, HttpError, HTTPStatus } from '@roll/framework'
import { simpleServer } from '@roll/framework/extensions'

export const app = new Roll()

app.route('/hello/{parameter}', async (request, response, { parameter }) => {
  if (parameter === 'foo') throw new HttpError(HTTPStatus.BAD_REQUEST, 'Run, you foo(l)!')
  response.body = `Hello ${parameter}`
})

await simpleServer(app, { port: Number(process.env.PORT ?? 3579) })
