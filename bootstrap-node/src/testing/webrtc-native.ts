/**
 * Ends node-datachannel's native threads and peer connections (WebRTC-direct in Node, under
 * @libp2p/webrtc). A process that ran a WebRTC-direct listener which a peer dialled sometimes does
 * not exit after every libp2p node has stopped (js-libp2p #2625: a thread-safe callback left
 * behind); seen here as a test file that finished its tests and then hung until its timeout.
 * The cleanup is process-wide, so only for the very end of a test file, after every node stopped
 * (`dipnet node` exits with process.exit and does not need it).
 */
export async function releaseWebRtcNative(): Promise<void> {
  const { cleanup } = await import('node-datachannel');
  cleanup();
}
