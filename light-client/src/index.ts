/**
 * @dipnet/light-client: verifies everything it returns against PoS commits. The same core runs in
 * Node (tests, tools) and in a browser Web Worker (see worker.ts).
 */
export { createLightClient } from './create.ts';
export { createLightClientWith, type LightClientParts } from './client.ts';
export { createRelayOnlyLightClient, type RelayOnlyLightClientOptions } from './relay-only.ts';
export type * from './api.ts';
export { BaseError, isBaseError, LightError, LightErrorCode, isLightError } from '@dipnet/protocol';
export { RelayHttpSource, type RelayHttpOptions } from './transport/relay-http.ts';
export { Libp2pSource, Libp2pConnector, Libp2pWire, type Libp2pTransportOptions } from './transport/libp2p.ts';
export { WireSource, type WireCarrier, type WireSourceOptions } from './transport/wire-source.ts';
export { startWebRtcBridge, type WebRtcBridge, type WebRtcBridgeApi } from './transport/webrtc-bridge-page.ts';
export { WebRtcBridgeSource } from './transport/webrtc-bridge-worker.ts';
export type { LightSource, SignedHeader, SourceStatus, TxStatusHint, HeadSubscription } from './transport/types.ts';
export type { SourceInfo, SourceHealth } from './transport/pool.ts';
export { MemoryStore } from './store/memory.ts';
export { IndexedDbStore, defaultDatabaseNames, type IndexedDbStoreOptions, type IndexedDbDatabaseNames } from './store/indexeddb.ts';
export { STORE_SCHEMA_VERSION, type LightStore, type StoreMeta, type StoredState, type StoredWallet, type StoredPending } from './store/types.ts';
export { createEd25519Verifier, countingVerifier, type Ed25519Verifier } from './verify/ed25519.ts';
export {
  shippingCommitment, checkShippingCommitment, canonicalJson, contractTxFee, SHIPPING_COMMITMENT_TAG, SHIPPING_SALT_BYTES, MAX_TREE_ORDERS, DEFAULT_GAS, MAX_GAS,
} from './contracts.ts';
export { describeGovAction } from './governance.ts';
export { DipnetError, ErrorCode, isDipnetError } from '@dipnet/protocol';
