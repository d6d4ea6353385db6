/** The conformance corpus, shard 1 (test/conformance/README.md; suite.ts runs it). */
import { defineShard, SHARDS } from './suite.js';

defineShard(1, SHARDS);
