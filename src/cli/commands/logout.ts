/** `drydock logout [SERVER]` — removes stored credentials like `docker logout`. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('logout')
    .description('Remove stored credentials for a registry')
    .argument('[server]', 'registry (default: docker.io)')
    .action(async (server: string | undefined) => {
      const { logout, registryDomain } = await import('../../registry/index.js');
      const domain = registryDomain(server);
      if (await logout(server)) process.stdout.write(`Removing login credentials for ${domain}\n`);
      else process.stdout.write(`Not logged in to ${domain}\n`);
    });
}
