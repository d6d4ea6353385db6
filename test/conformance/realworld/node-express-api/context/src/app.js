'use strict';
const http = require('node:http');
const ms = require('ms-lite');

/** A router in Express's manner: app.get/post(path, handler), JSON in and out. */
function createApp() {
  const routes = [];
  const todos = new Map();
  let nextId = 1;
  const started = Date.now();
  const route = (method) => (path, handler) => routes.push({ method, path, handler });
  const app = { get: route('GET'), post: route('POST'), delete: route('DELETE') };

  app.get('/healthz', (req, res) => res.json(200, { status: 'ok', uptime: ms(Date.now() - started) }));
  app.get('/todos', (req, res) => res.json(200, [...todos.values()]));
  app.post('/todos', (req, res) => {
    if (!req.body || typeof req.body.title !== 'string' || !req.body.title) return res.json(400, { error: 'title is required' });
    const todo = { id: nextId++, title: req.body.title, done: false, ttl: req.body.ttl ? ms(req.body.ttl) : null };
    todos.set(todo.id, todo);
    return res.json(201, todo);
  });
  app.delete('/todos/:id', (req, res) => (todos.delete(Number(req.params.id)) ? res.json(204) : res.json(404, { error: 'not found' })));

  app.server = () => http.createServer((req, res) => {
    res.json = (status, body) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      try { req.body = raw ? JSON.parse(raw) : undefined; } catch { return res.json(400, { error: 'invalid JSON' }); }
      const url = new URL(req.url, 'http://localhost');
      for (const r of routes) {
        const names = [];
        const re = new RegExp('^' + r.path.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; }) + '$');
        const m = re.exec(url.pathname);
        if (r.method === req.method && m) {
          req.params = Object.fromEntries(names.map((n, i) => [n, m[i + 1]]));
          return r.handler(req, res);
        }
      }
      return res.json(404, { error: `cannot ${req.method} ${url.pathname}` });
    });
  });
  return app;
}

module.exports = { createApp };
