import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import http from 'node:http';
const child = spawn(process.execPath, ['--import', 'tsx', '/work/main/bootstrap-node/bench/tmp-hello.mts'], { stdio: ['pipe', 'pipe', 'inherit'] });
const first = await new Promise<string>((res) => createInterface({ input: child.stdout! }).once('line', res));
const { port } = JSON.parse(first);
const cpu = () => { const s = readFileSync(`/proc/${child.pid}/stat`, 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (p: string) => new Promise<void>((res, rej) => http.get({ host: '127.0.0.1', port, path: p, agent }, (r) => { r.resume(); r.on('end', res); }).on('error', rej));
for (const [name, f] of [['fetch', async () => { await (await fetch(`http://127.0.0.1:${port}/x`)).arrayBuffer(); }], ['http keepalive', () => get('/x')]] as const) {
  for (let i = 0; i < 300; i++) await f();
  const b = cpu(); const N = 3000;
  for (let i = 0; i < N; i++) await f();
  console.log(name, ((cpu() - b) / N * 1000).toFixed(0), 'us/request');
}
console.log(await (await fetch(`http://127.0.0.1:${port}/conns`)).text());
child.stdin!.end();
