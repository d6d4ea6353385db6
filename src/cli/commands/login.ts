/** `drydock login [-u USER] [-p PASS | --password-stdin] [SERVER]` — stores credentials like `docker login`. */
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { parseBool } from './pull.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

export function register(program: Command): void {
  program
    .command('login')
    .description('Log in to a registry (credentials go to ~/.docker/config.json or its credential helper)')
    .argument('[server]', 'registry, e.g. 127.0.0.1:5000 (default: docker.io)')
    .option('-u, --username <user>', 'username')
    .option('-p, --password <password>', 'password (prefer --password-stdin)')
    .option('--password-stdin', 'read the password from stdin')
    .option('--tls-verify <bool>', 'require HTTPS and verify certificates (false also allows plain HTTP)', parseBool)
    .action(async (server: string | undefined, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ username?: string; password?: string; passwordStdin?: boolean; tlsVerify?: boolean }>();
      const [{ login }, { DrydockError }] = await Promise.all([import('../../registry/index.js'), import('../../util/errors.js')]);
      if (opts.password !== undefined && opts.passwordStdin) throw new DrydockError('USAGE', '--password and --password-stdin are mutually exclusive');
      let username = opts.username;
      let password = opts.password;
      if (opts.passwordStdin) {
        if (!username) throw new DrydockError('USAGE', 'must provide --username with --password-stdin');
        password = (await readStdin()).replace(/\r?\n$/, '');
      } else if (password !== undefined) {
        process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
      }
      if (!username) {
        if (!process.stdin.isTTY) throw new DrydockError('USAGE', 'username required (use -u)');
        username = await prompt('Username: ');
      }
      if (password === undefined) {
        if (!process.stdin.isTTY) throw new DrydockError('USAGE', 'password required (use -p or --password-stdin)');
        password = await prompt('Password: ');
      }
      await login(server, username, password, { tlsVerify: opts.tlsVerify });
      process.stdout.write('Login Succeeded\n');
    });
}
