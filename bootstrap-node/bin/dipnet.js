#!/usr/bin/env node
// libp2p 3 uses Promise.withResolvers (Node 22+); on an older Node outside npm scripts, supply it.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/main.ts');
