// @roll/cli as a library: the same commands the `roll` bin runs.
export { main } from './main.js'
export { CliError } from './errors.js'
export { createRoll, runCreate, type CreateArgs } from './commands/create.js'
export { scaffold, TEMPLATES, type ScaffoldOptions, type ScaffoldResult } from './scaffold.js'
