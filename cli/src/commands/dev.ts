// roll dev (not built yet).
import type { CommandModule } from 'yargs'
import { CliError } from '../errors.js'

export const dev: CommandModule = {
  command: 'dev',
  describe: 'dev (not available yet)',
  handler: () => {
    throw new CliError('roll dev is not available yet.')
  },
}
