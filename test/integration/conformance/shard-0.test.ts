/** The conformance corpus, shard 0 (test/conformance/README.md; suite.ts runs it). */
import { defineShard, SHARDS } from './suite.js';

defineShard(0, SHARDS);
