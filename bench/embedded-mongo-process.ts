import { startEmbeddedMongo } from '../src/db/embedded-server.js';

// The embedded server in a process of its own, as a real mongod would be: the bot process's CPU and
// heap figures then hold the bot alone, and the two cores are used the way production uses them.
const server = await startEmbeddedMongo();
process.stdout.write(`${JSON.stringify({ uri: server.uri })}\n`);
const stop = () => {
  server.stop().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// The parent's end: whatever way it goes, the server goes with it.
process.stdin.resume();
process.stdin.once('end', stop);
