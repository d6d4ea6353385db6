// Fails when a page links to a file that the build did not write.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'dist';
let broken = 0;
for (const page of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
  const html = readFileSync(path.join(dir, page), 'utf8');
  for (const [, href] of html.matchAll(/(?:href|src)="([^"#:]+)"/g)) {
    if (!existsSync(path.join(dir, href))) { console.error(`${page}: broken link ${href}`); broken++; }
  }
}
if (broken) process.exit(1);
console.log('links ok');
