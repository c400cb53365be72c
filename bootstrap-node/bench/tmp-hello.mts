import fastify from 'fastify';
const app = fastify();
let conns = 0;
app.server.on('connection', () => conns++);
app.get('/x', async () => ({ ok: 1 }));
app.get('/conns', async () => ({ conns }));
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ port: (app.server.address() as { port: number }).port }));
process.stdin.resume(); process.stdin.on('end', () => process.exit(0));
