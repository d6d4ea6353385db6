import { fixtureRootfs } from './fixtures.js';
const name = process.argv[2] as 'debian' | 'golang';
console.time(name); console.log(await fixtureRootfs(name)); console.timeEnd(name);
