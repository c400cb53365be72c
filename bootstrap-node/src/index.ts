/** @dipnet/bootstrap-node: the full node, its devnet tooling and a verifying relay client. */
export { DipnetNode, type NodeOptions } from './node.ts';
export { runNode, type RunningNode } from './run-node.ts';
export { createP2PHost, type P2PHost, type P2PHostConfig } from './p2p/host.ts';
export { createRelay, type RelayOptions } from './relay/relay.ts';
export { NativeVerifier } from './crypto/native-verifier.ts';
export { prepareDevnet, startDevnetProcesses, type DevnetInfo, type DevnetOptions, type RunningDevnet } from './cli/devnet.ts';
export { RelayClient } from './cli/relay-client.ts';
export { devKey, devValidatorKey } from './devnet/dev-keys.ts';
export { devnetGenesis, devnetGovParams, devBoardKey, devCommitteeKey, DEVNET_PARAMS, DEVNET_GOV_PARAMS } from './devnet/genesis.ts';
export { readGenesisFile } from './devnet/genesis-file.ts';
export type { NodeApi, NodeStatus, NodeHealth, HealthReason, HealthReasonCode } from './node-api.ts';
export { HealthMonitor, FAILED_WRITE_MSG, DEFAULT_HEAD_STALL_MS, DEFAULT_MAX_WRITE_STALL_MS } from './health-monitor.ts';
export {
  seedContracts, seedSimpleProducts, relaySeedChain, demoActors, demoKey, DEMO_DESIGNER_FEES, DEMO_ACTOR_NAMES, DEMO_PRODUCT_NAMES,
  type SimpleProductPlan,
  type SeedChain, type SeedResult, type DemoActorName, type DemoProductName,
} from './devnet/seed-contracts.ts';
export { loadBaseTemplates, loadBaseTemplate, BASE_TEMPLATE_NAMES, type BaseTemplateName } from './contracts/base-templates.ts';
export { checkLmdbFile, type LmdbFileReport } from './store/store-integrity.ts';
export { StoreDamagedError, SigningStateError, StoreWriteError, WriteStallError, type StoreDamageKind } from './store/store-errors.ts';
export { NodeExitCode } from './exit-codes.ts';
export { SIGNING_STATE_FILE } from './consensus/signing-state.ts';
