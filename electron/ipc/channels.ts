/**
 * The one IPC channel Rackpilot uses. Both directions carry protocol frames (shared/protocol.ts);
 * a single name keeps the preload's surface as small as it can be.
 */
export const FRAME_CHANNEL = 'rackpilot:frame';
