'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { request } = require('tap-lite');
const { createApp } = require('../src/app');

test('health answers ok', async () => {
  const r = await request(createApp().server(), 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).status, 'ok');
});

test('a todo is created with its ttl in ms', async () => {
  const r = await request(createApp().server(), 'POST', '/todos', { title: 'ship it', ttl: '2h' });
  assert.equal(r.status, 201);
  assert.deepEqual(JSON.parse(r.body), { id: 1, title: 'ship it', done: false, ttl: 7200000 });
});

test('a todo needs a title', async () => {
  const r = await request(createApp().server(), 'POST', '/todos', { ttl: '1d' });
  assert.equal(r.status, 400);
});

test('unknown routes are 404', async () => {
  assert.equal((await request(createApp().server(), 'GET', '/nope')).status, 404);
});
