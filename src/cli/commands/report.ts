/** `drydock report IMAGE [--format text|json|html] [-o FILE]` — where the image's bytes are. */
import { Command, Option } from 'commander';

export function register(program: Command): void {
  program
    .command('report')
    .description('Show where an image\'s bytes are: layers, largest files, wasted space, what builder stages left behind')
    .argument('<image>', 'image reference or id in the local store')
    .addOption(new Option('--format <format>', 'output format (default: from the -o extension, else text)').choices(['text', 'json', 'html']))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .action(async (image: string, o: { format?: 'text' | 'json' | 'html'; output?: string }, cmd: Command) => {
      const root = cmd.optsWithGlobals<{ root?: string }>().root;
      const { report, formatForFile } = await import('../../report/index.js');
      const format = o.format ?? (o.output ? formatForFile(o.output) : 'text');
      const text = await report({ image, root, format });
      if (o.output) {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(o.output, text);
      } else {
        process.stdout.write(text);
      }
    });
}
