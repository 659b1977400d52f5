// The five bench routes on Roll (roll-app.mjs), served by `serve` from the workspace's
// framework/dist (its own bundle of four entry points, as published): no roll build, no
// health check.
import { serve } from '@roll/framework'
import { app } from './roll-app.mjs'

export const { server } = await serve(app, { port: Number(process.env.PORT) })
process.send?.('ready')
// The bench asks for the CPU time this server has used, to compare the cost per request.
process.on('message', () => process.send?.(process.cpuUsage()))
