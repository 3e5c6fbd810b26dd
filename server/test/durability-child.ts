// Child process of server/src/store/durability.test.ts: serves the store on a free loopback port and prints
// "LISTENING <url>" once ready. The test pushes to it and kills it with SIGKILL mid-flight.
import Fastify from 'fastify';
import { embeddedStorePlugin } from '../src/store/http/plugin.ts';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: durability-child.ts <dataDir>');
  process.exit(2);
}
const app = Fastify();
await app.register(embeddedStorePlugin, { dataDir, retentionMs: 0, maxBytes: 0, allowRemote: false });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`LISTENING ${url}\n`);
