// An index kept entirely in one LanceDB dataset on object storage (s3://…), written by sharded workers.
export { RemoteIndex } from './remote-index.js';
export type { RemoteIndexInspection, RemoteTableIndex } from './remote-inspect.js';
export {
  RemoteIndexSettingsSchema,
  OpenRemoteIndexOptionsSchema,
  type RemoteIndexSettings,
  type OpenRemoteIndexOptions,
  type RemoteAddOptions,
  type RemoteAddResult,
  type RemoteFinalizeResult,
} from './remote-index-options.js';
export { isRemoteIndexUri, normalizeRemoteUri, storageOptionsOf } from './remote-uri.js';
export { parseShard, inShard, shardLabel, type Shard } from './shard.js';
export type { IndexRecord, ShardRecord, FinalizeRecord, GraphRecord, RemoteManifest } from './remote-manifest.js';
