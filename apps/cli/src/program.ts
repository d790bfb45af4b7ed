import { Command } from 'commander';
import { packageVersion, cliPackageDir } from './package-versions.js';
import type { CliContext } from './cli-context.js';

/** A command file exports one factory of this shape; adding a command is one line in `COMMANDS`. */
export type CommandFactory = (ctx: CliContext) => Command;

/**
 * Every command, by name, with a loader for its module. Only the invoked command's module loads (its imports are the
 * heavy part of start-up: `sift query` need not load the eval harness or the trainers); help and unknown commands
 * load them all.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<CommandFactory>]> = [
  ['chunk', async () => (await import('./commands/chunk.js')).chunkCommand],
  ['index', async () => (await import('./commands/index-command.js')).indexCommand],
  ['query', async () => (await import('./commands/query.js')).queryCommand],
  ['eval', async () => (await import('./commands/eval.js')).evalCommand],
  ['train', async () => (await import('./commands/train.js')).trainCommand],
  ['doctor', async () => (await import('./commands/doctor.js')).doctorCommand],
  ['bench', async () => (await import('./commands/bench.js')).benchCommand],
];

/**
 * A fresh commander program per run (commander keeps parse state on the instance). With `argv`, only the command it
 * names is registered when it names one (the first argument that is not an option).
 */
export async function createProgram(ctx: CliContext, argv?: readonly string[]): Promise<Command> {
  const program = new Command('sift')
    .description('Sift: chunk → retrieve → select → evaluate, offline.')
    .version(packageVersion(cliPackageDir()) ?? 'unknown', '-V, --version')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // `run` prints errors itself, one line each.
      outputError: () => {},
    });
  const first = argv?.find((a) => !a.startsWith('-'));
  const named = COMMANDS.filter(([name]) => name === first);
  const loaders = named.length === 1 && first !== undefined && argv?.[0] === first ? named : COMMANDS;
  const factories = await Promise.all(loaders.map(([, load]) => load()));
  for (const factory of factories) {
    const cmd = factory(ctx);
    cmd.copyInheritedSettings(program);
    program.addCommand(cmd);
  }
  return program;
}
