#!/usr/bin/env node
// create-roll: `npm create roll@latest` runs this; the work is @roll/cli's `roll create`.
import { createRequire } from 'node:module'
import { createRoll } from '@roll/cli'

const { version } = createRequire(import.meta.url)('../package.json')
process.exitCode = await createRoll(process.argv.slice(2), version)
