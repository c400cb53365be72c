/**
 * The relay-only light-client worker script a site serves (bundled): as worker-entry.ts, without
 * libp2p in the bundle. For sites that reach the chain through relays (and the page's WebRTC bridge).
 */
import { exposeRelayOnlyLightClient } from './worker-relay-only.ts';

exposeRelayOnlyLightClient();
