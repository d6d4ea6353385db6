// Builds dist/: each content/*.md page through a small Markdown renderer into the layout, and
// the CSS and JS minified into assets/ under content-hashed names (as bundlers name them).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const out = 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'assets'), { recursive: true });

function asset(file, minify) {
  const text = minify(readFileSync(file, 'utf8'));
  const ext = path.extname(file);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  const name = `assets/${path.basename(file, ext)}-${hash}${ext}`;
  writeFileSync(path.join(out, name), text);
  return name;
}
const css = asset('src/style.css', (s) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ').replace(/\s*([{}:;,])\s*/g, '$1').trim());
const js = asset('src/main.js', (s) => s.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('//')).join('\n'));

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const inline = (s) => escape(s)
  .replace(/`([^`]+)`/g, '<code>$1</code>')
  .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
  .replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_, t, href) => `<a href="${href.replace(/\.md$/, '.html')}">${t}</a>`);

function markdown(md) {
  const html = [];
  let list = false, code = false;
  for (const line of md.split('\n')) {
    if (line.startsWith('```')) { html.push(code ? '</code></pre>' : '<pre><code>'); code = !code; continue; }
    if (code) { html.push(escape(line)); continue; }
    if (list && !line.startsWith('- ')) { html.push('</ul>'); list = false; }
    const h = /^(#{1,3}) (.*)$/.exec(line);
    if (h) html.push(`<h${h[1].length}>${inline(h[2])}</h${h[1].length}>`);
    else if (line.startsWith('- ')) { if (!list) { html.push('<ul>'); list = true; } html.push(`<li>${inline(line.slice(2))}</li>`); }
    else if (line.trim()) html.push(`<p>${inline(line)}</p>`);
  }
  if (list) html.push('</ul>');
  return html.join('\n');
}

const layout = readFileSync('src/layout.html', 'utf8');
const pages = readdirSync('content').filter((f) => f.endsWith('.md')).sort();
for (const page of pages) {
  const md = readFileSync(path.join('content', page), 'utf8');
  const title = /^# (.*)$/m.exec(md)?.[1] ?? page;
  const html = layout.replace('%TITLE%', escape(title)).replace('%CSS%', css).replace('%JS%', js).replace('%BODY%', markdown(md));
  writeFileSync(path.join(out, page.replace(/\.md$/, '.html')), html);
}
writeFileSync(path.join(out, 'robots.txt'), 'User-agent: *\nAllow: /\n');
console.log(`built ${pages.length} pages, ${css}, ${js}`);
