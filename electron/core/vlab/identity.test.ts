/** Names, MACs and peer addresses of new virtual nodes, and the peer NIC as network-config sets it. */
import { describe, expect, it } from 'vitest';
import { nextNames, nextPeerAddress, peerInterface, PEER_NETWORK } from './identity';

describe('identity', () => {
  it('skips taken names and peer addresses', () => {
    expect(nextNames('vnode', 2, (n) => n === 'vnode-01')).toEqual(['vnode-02', 'vnode-03']);
    expect(nextPeerAddress(new Set(['10.77.0.11']))).toBe('10.77.0.12');
  });

  it('addresses the peer NIC in the peer subnet, by its MAC', () => {
    expect(peerInterface({ mac: '52:54:00:01:02:03', address: '10.77.0.12' })).toEqual({ id: 'peer', mac: '52:54:00:01:02:03', address: `10.77.0.12/${PEER_NETWORK.mask}` });
    expect(PEER_NETWORK.mask).toBe(24);
  });
});
