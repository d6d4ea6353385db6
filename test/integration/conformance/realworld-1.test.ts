/** The conformance corpus's real-world Dockerfiles (test/conformance/realworld/), shard 1. */
import { defineShard, REALWORLD_SHARDS } from './suite.js';

defineShard(1, REALWORLD_SHARDS, 'realworld');
