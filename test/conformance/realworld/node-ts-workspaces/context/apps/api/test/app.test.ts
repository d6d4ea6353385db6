import assert from 'node:assert/strict';
import { AddressInfo } from 'node:net';
import test from 'node:test';
import { createApp } from '../src/app';

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const server = createApp();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  } finally {
    server.close();
  }
}

test('POST /cats validates with @acme/core', async () => {
  assert.equal((await call('POST', '/cats', { name: '', age: 1, breed: 'x' })).status, 400);
  const ok = await call('POST', '/cats', { name: 'Tom', age: 3, breed: 'tabby' });
  assert.deepEqual(ok, { status: 201, json: { id: 1, name: 'Tom', age: 3, breed: 'tabby' } });
});

test('GET /cats/:id of a missing cat is 404', async () => {
  assert.equal((await call('GET', '/cats/7')).status, 404);
});
