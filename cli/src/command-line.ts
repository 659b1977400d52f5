// What `roll` and `create-roll` share: yargs set up the same way, and misuse or a CliError
// printed as one line: what is wrong, then what to do.
import { createRequire } from 'node:module'
import yargs, { type Argv } from 'yargs'
import { CliError } from './errors.js'

/** @roll/cli's own version, from its package.json. */
export const cliVersion: string = createRequire(import.meta.url)('../package.json').version

/**
 * Runs the command line `name` with `argv`, its commands added by `commands`; resolves
 * to the exit code (the one a command set, else 0).
 */
export async function runCommandLine(name: string, argv: string[], commands: (cli: Argv) => Argv, version = cliVersion): Promise<number> {
  try {
    await commands(yargs(argv).scriptName(name))
      .strict()
      .fail((message, error) => {
        throw error ?? new CliError(message ?? 'Invalid arguments.', `See ${name} --help.`)
      })
      .help()
      .alias('h', 'help')
      .version(version)
      .alias('v', 'version')
      .parseAsync()
    return process.exitCode === undefined ? 0 : Number(process.exitCode)
  } catch (error) {
    if (!(error instanceof CliError)) {
      console.error(error)
      return 1
    }
    console.error(`${name}: ${error.message}${error.hint ? ` ${error.hint}` : ''}`)
    return error.exitCode
  }
}
