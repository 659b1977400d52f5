// The `roll` command: argv → command, usage, exit codes. Each command lives in
// commands/<name>.ts as a yargs command module.
import { build } from './commands/build.js'
import { create } from './commands/create.js'
import { dev } from './commands/dev.js'
import { start } from './commands/start.js'
import { runCommandLine } from './command-line.js'

/** Runs `roll` with `argv` (without node and the script); resolves to the exit code. */
export function main(argv: string[]): Promise<number> {
  return runCommandLine('roll', argv, (cli) => cli
    .usage('$0 <command> [options]')
    .command(create)
    .command(dev)
    .command(build)
    .command(start)
    .demandCommand(1, 'Name a command: roll create | dev | build | start (see roll --help).'))
}
