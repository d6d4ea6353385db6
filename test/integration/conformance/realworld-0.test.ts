/** The conformance corpus's real-world Dockerfiles (test/conformance/realworld/), shard 0. */
import { defineShard, REALWORLD_SHARDS } from './suite.js';

defineShard(0, REALWORLD_SHARDS, 'realworld');
