/** A synthetic two-stage build (a and b in parallel, then the final stage) for renderer tests. */
import type { BuildEvent } from '../../../src/solver/events.js';

export const T0 = 1_000_000;

export const start: BuildEvent[] = [
  { type: 'warning', time: T0, message: 'JSON arguments recommended for CMD', line: 9, rule: 'JSONArgsRecommended' },
  { type: 'build-start', time: T0, target: 'stage-2', stages: [{ index: 0, name: 'a', base: 'busybox' }, { index: 1, name: 'b', base: 'busybox' }, { index: 2, name: 'stage-2', base: 'stage 0' }] },
  { type: 'stage-start', time: T0 + 100, stage: 0, name: 'a' },
  { type: 'stage-start', time: T0 + 100, stage: 1, name: 'b' },
  { type: 'stage-start', time: T0 + 100, stage: 2, name: 'stage-2' },
  { type: 'base-resolved', time: T0 + 200, stage: 0, ref: 'docker.io/library/busybox:latest', source: 'local' },
  { type: 'base-resolved', time: T0 + 200, stage: 1, ref: 'docker.io/library/busybox:latest', source: 'local' },
  { type: 'step-start', time: T0 + 200, stage: 0, step: '0.2', index: 2, total: 2, instruction: 'RUN echo a; sleep 2', line: 2 },
  { type: 'step-start', time: T0 + 200, stage: 1, step: '1.2', index: 2, total: 2, instruction: 'RUN echo b; sleep 2', line: 4 },
  { type: 'step-log', time: T0 + 300, stage: 0, step: '0.2', stream: 'stdout', data: 'a-1\na-2\n' },
  { type: 'step-log', time: T0 + 300, stage: 1, step: '1.2', stream: 'stderr', data: 'b-1\n' },
];

export const finish: BuildEvent[] = [
  { type: 'step-done', time: T0 + 2200, stage: 0, step: '0.2', cached: false, duration: 2000, layerSize: 10 },
  { type: 'stage-done', time: T0 + 2200, stage: 0, name: 'a', size: 2000, layers: 2 },
  { type: 'step-cached', time: T0 + 2300, stage: 1, step: '1.2' },
  { type: 'step-done', time: T0 + 2300, stage: 1, step: '1.2', cached: true, duration: 2100, layerSize: 10 },
  { type: 'stage-done', time: T0 + 2300, stage: 1, name: 'b', size: 2000, layers: 2 },
  { type: 'base-resolved', time: T0 + 2300, stage: 2, ref: 'stage 0', source: 'stage' },
  { type: 'step-start', time: T0 + 2300, stage: 2, step: '2.2', index: 2, total: 2, instruction: 'COPY --from=b /b /', line: 7 },
  { type: 'step-done', time: T0 + 2400, stage: 2, step: '2.2', cached: false, duration: 100, layerSize: 3 },
  { type: 'stage-done', time: T0 + 2400, stage: 2, name: 'stage-2', size: 2003, layers: 3 },
  { type: 'export', time: T0 + 2500, kind: 'image', digest: 'sha256:abcd' },
  {
    type: 'build-done', time: T0 + 2600, duration: 2600,
    image: { id: 'sha256:1234', manifestDigest: 'sha256:abcd', size: 2003, layers: 3, refs: ['x'] },
    stages: [],
  },
];
