/**
 * @dipnet/bootstrap-node/testing: helpers other workspaces' tests and benchmarks use to run real
 * nodes (not part of the node's API). Node-only.
 */
export { waitFor, type WaitForOptions } from '@dipnet/protocol/testing';
export { tempDir, signedTx, transfer, FAST_TIMEOUTS, startMemoryValidators } from './fixtures.ts';
export { MemoryHub } from './memory-network.ts';
export { runDipnet, startCliHarness, type CliRun, type CliHarness } from './cli-harness.ts';
export { releaseWebRtcNative } from './webrtc-native.ts';
export { startNginxCache, nginxBinary, type NginxCache, type AccessEntry } from './nginx-cache.ts';
