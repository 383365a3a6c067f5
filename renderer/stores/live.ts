/** Wires pushed events into the stores and (re)loads every list; called once at start-up. */
import type { RpcClient } from '../rpc/client';
import type { LiveTransport } from '../rpc/transport';
import { reloadAssetsIfFollowed } from './assets';
import { loadBoot, onBootStatus } from './boot';
import { useConnection } from './connection';
import { loadEvents, onEventAppended } from './events';
import { loadJobs, onJobChanged, onJobLog, reloadFollowedLogs } from './jobs';
import { loadNodes, onNodesChanged } from './nodes';
import { onProfilesChanged, reloadProfilesIfFollowed } from './profiles';
import { onTimelineEvent, reloadFollowedTimelines } from './timeline';

export function startLiveData(client: RpcClient, transport: LiveTransport): void {
  useConnection.setState({ state: transport.state(), kind: transport.kind });
  transport.onState((state) => useConnection.setState({ state }));
  client.subscribe('nodes.changed', onNodesChanged);
  client.subscribe('jobs.changed', onJobChanged);
  client.subscribe('jobs.log', onJobLog);
  client.subscribe('events.appended', onEventAppended);
  client.subscribe('events.appended', onTimelineEvent);
  client.subscribe('boot.status', onBootStatus);
  client.subscribe('profiles.changed', onProfilesChanged);
  const loadAll = () => {
    void loadNodes();
    void loadJobs();
    void loadEvents();
    void loadBoot();
    void reloadFollowedLogs();
    void reloadFollowedTimelines();
    void reloadProfilesIfFollowed();
    void reloadAssetsIfFollowed();
  };
  transport.onReconnect(loadAll);
  loadAll();
}
