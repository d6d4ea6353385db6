/** The conformance corpus, shard 3 (test/conformance/README.md; suite.ts runs it). */
import { defineShard, SHARDS } from './suite.js';

defineShard(3, SHARDS);
