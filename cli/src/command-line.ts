// What `roll` and `create-roll` share: yargs set up the same way, and misuse or a CliError
// printed as one line: what is wrong, then what to do.
import { createRequire } from 'node:module'
import yargs, { type Argv } from 'yargs'
import { CliError } from './errors.js'

/** The documentation site. The address must be confirmed before the first release. */
export const DOCS_URL = 'https://roll-ts.github.io/roll/'

/** The last line of a --help: the reference page of the command (`#roll-dev`…). */
export const referenceLine = (anchor = ''): string => `Reference: ${DOCS_URL}reference/cli${anchor}`

// The guide that explains a mistake, for the errors that have one: the message, then the page.
const GUIDES: Array<[RegExp, string]> = [
  [/^Cannot find the app's entry module /, 'reference/cli#the-entry-module'],
  [/^Cannot find .+\.[cm]?js\.$/, 'guide/advanced/deploy'],
  [/^"roll\.entry" in package\.json /, 'reference/cli#the-entry-module'],
  [/^Unknown template /, 'reference/templates'],
  [/^PORT /, 'reference/environment'],
  [/^--workers /, 'guide/advanced/deploy'],
  [/^Cannot listen on /, 'reference/cli#roll-dev'],
]

/** `Guide: <url>` for an error message that has a guide, else ''. */
export function guideFor(message: string): string {
  const page = GUIDES.find(([pattern]) => pattern.test(message))?.[1]
  return page === undefined ? '' : ` Guide: ${DOCS_URL}${page}`
}

/** @roll/cli's own version, from its package.json. */
export const cliVersion: string = createRequire(import.meta.url)('../package.json').version

/**
 * Runs the command line `name` with `argv`, its commands added by `commands`; resolves
 * to the exit code (the one a command set, else 0). `epilogue` ends the top-level --help
 * (null: none, for a command line whose default command has its own).
 */
export async function runCommandLine(name: string, argv: string[], commands: (cli: Argv) => Argv, version = cliVersion, epilogue: string | null = referenceLine()): Promise<number> {
  try {
    const cli = yargs(argv).scriptName(name)
    await commands(epilogue === null ? cli : cli.epilogue(epilogue))
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
    console.error(`${name}: ${error.message}${error.hint ? ` ${error.hint}` : ''}${guideFor(error.message)}`)
    return error.exitCode
  }
}
