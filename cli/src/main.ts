// The `roll` command: argv → command, usage, exit codes. Each command lives in
// commands/<name>.ts as a yargs command module.
import yargs from 'yargs'
import { build } from './commands/build.js'
import { create } from './commands/create.js'
import { dev } from './commands/dev.js'
import { start } from './commands/start.js'
import { CliError } from './errors.js'

/** Runs `roll` with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await yargs(argv)
      .scriptName('roll')
      .usage('$0 <command> [options]')
      .command(create)
      .command(dev)
      .command(build)
      .command(start)
      .demandCommand(1, 'Name a command: roll create | dev | build | start (see roll --help).')
      .strict()
      .fail((message, error) => {
        throw error ?? new CliError(message ?? 'Invalid arguments.', 'See roll --help.')
      })
      .help()
      .alias('h', 'help')
      .version()
      .alias('v', 'version')
      .parseAsync()
    return process.exitCode === undefined ? 0 : Number(process.exitCode)
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`roll: ${error.message}`)
      if (error.hint) console.error(error.hint)
      return error.exitCode
    }
    console.error(error)
    return 1
  }
}

