import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { validateCat, ValidationError } from '@acme/core';
import { CatsService } from './cats.service';

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : undefined;
}

export function createApp(cats = new CatsService()): Server {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/health') return send(res, 200, { status: 'ok' });
      if (url.pathname === '/cats' && req.method === 'GET') return send(res, 200, cats.findAll());
      if (url.pathname === '/cats' && req.method === 'POST') return send(res, 201, cats.create(validateCat(await readJson(req))));
      const m = /^\/cats\/(\d+)$/.exec(url.pathname);
      if (m && req.method === 'GET') {
        const cat = cats.findOne(Number(m[1]));
        return cat ? send(res, 200, cat) : send(res, 404, { message: `Cat #${m[1]} not found` });
      }
      return send(res, 404, { message: `Cannot ${req.method} ${url.pathname}` });
    } catch (e) {
      if (e instanceof ValidationError || e instanceof SyntaxError) return send(res, 400, { message: e.message });
      return send(res, 500, { message: 'Internal server error' });
    }
  });
}
