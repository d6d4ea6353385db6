import { test } from 'node:test';
import assert from 'node:assert/strict';
import { volatileSupported } from '../../../src/snapshot/overlay.js';

test('overlay volatile is used from Linux 5.10 on', () => {
  for (const r of ['5.10.0-28-amd64', '5.15.0', '6.1.0-18-cloud-amd64', '6.18.44-fc-v782', '10.0.1']) assert.equal(volatileSupported(r), true, r);
  for (const r of ['5.4.0-150-generic', '4.19.0', '5.9.16', '3.10.0-1160.el7.x86_64', 'weird']) assert.equal(volatileSupported(r), false, r);
});
