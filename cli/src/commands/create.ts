// roll create (not built yet).
import type { CommandModule } from 'yargs'
import { CliError } from '../errors.js'

export const create: CommandModule = {
  command: 'create',
  describe: 'create (not available yet)',
  handler: () => {
    throw new CliError('roll create is not available yet.')
  },
}
