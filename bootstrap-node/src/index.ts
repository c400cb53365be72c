/** @dipnet/bootstrap-node: the full node, its devnet tooling and a verifying relay client. */
export { DipnetNode, type NodeOptions } from './node.ts';
export { runNode, type RunningNode } from './run-node.ts';
export { prepareDevnet, startDevnetProcesses, type DevnetInfo, type RunningDevnet } from './cli/devnet.ts';
export { RelayClient } from './cli/relay-client.ts';
export { devKey, devValidatorKey } from './devnet/dev-keys.ts';
export { devnetGenesis, DEVNET_PARAMS } from './devnet/genesis.ts';
export { readGenesisFile } from './devnet/genesis-file.ts';
export type { NodeApi, NodeStatus } from './node-api.ts';
