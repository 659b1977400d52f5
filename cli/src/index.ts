// @roll/cli as a library: the same commands the `roll` bin runs.
export { main } from './main.js'
export { CliError } from './errors.js'
