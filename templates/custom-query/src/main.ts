// Serves the app on its own, without the roll CLI: PORT and HOST come from the
// environment. `roll dev`, `roll start` and `roll build` use src/app.ts and skip this file.
import { simpleServer } from '@roll/framework/extensions'
import { app } from './app.js'

await simpleServer(app, {
  port: Number(process.env.PORT ?? 3579),
  host: process.env.HOST ?? '127.0.0.1',
})
