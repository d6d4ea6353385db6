// A webpack stand-in: concatenates web_src/js modules in name order into one IIFE bundle,
// minifies the CSS, and writes both under content-hashed names plus a manifest.json.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [src, out] = process.argv.slice(2);
rmSync(out, { recursive: true, force: true });
for (const d of ['js', 'css']) mkdirSync(path.join(out, d), { recursive: true });
const hashed = (dir, base, ext, text) => {
  const name = `${dir}/${base}.${createHash('sha256').update(text).digest('hex').slice(0, 10)}.${ext}`;
  writeFileSync(path.join(out, name), text);
  return name;
};
const modules = readdirSync(path.join(src, 'js')).filter((f) => f.endsWith('.js')).sort();
const js = `(()=>{\n${modules.map((m) => `// ${m}\n${readFileSync(path.join(src, 'js', m), 'utf8').trim()}`).join('\n')}\n})();\n`;
const css = readdirSync(path.join(src, 'css')).sort().map((f) => readFileSync(path.join(src, 'css', f), 'utf8')).join('\n')
  .replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ').replace(/\s*([{}:;,>])\s*/g, '$1').trim() + '\n';
const manifest = { 'index.js': hashed('js', 'index', 'js', js), 'index.css': hashed('css', 'index', 'css', css) };
writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`bundled ${modules.length} modules:`, manifest);
