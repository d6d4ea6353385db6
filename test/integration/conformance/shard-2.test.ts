/** The conformance corpus, shard 2 (test/conformance/README.md; suite.ts runs it). */
import { defineShard, SHARDS } from './suite.js';

defineShard(2, SHARDS);
