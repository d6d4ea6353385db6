'use strict';
const http = require('node:http');

/** Starts `server` on a free port, performs one request, resolves { status, headers, body }. */
exports.request = (server, method, path, body) => new Promise((resolve, reject) => {
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json' } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { data += c; });
      res.on('end', () => { server.close(); resolve({ status: res.statusCode, headers: res.headers, body: data }); });
    });
    req.on('error', (e) => { server.close(); reject(e); });
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
});
