// Multi-hop retrieval: a passage–entity graph and personalized PageRank over any first-stage retriever.
export { normalizeEntity } from './normalize-entity.js';
export { normalizeToken, tokenizeEntities, type EntityTokens } from './entity-tokens.js';
export { ENTITY_STOP_WORDS } from './entity-stopwords.js';
export {
  GraphBuildOptionsSchema,
  GraphWalkOptionsSchema,
  GraphOptionsSchema,
  TITLE_SOURCES,
  type TitleSource,
  type GraphBuildOptions,
  type ResolvedGraphBuildOptions,
  type GraphWalkOptions,
  type ResolvedGraphWalkOptions,
  type GraphOptions,
} from './graph-options.js';
export { PassageGraph, EntityMatcher, EDGE_TITLE, EDGE_MENTION, ENTITY_TITLE, ENTITY_PHRASE, type PassageGraphData } from './passage-graph.js';
export { GraphBuilder } from './graph-builder.js';
export { personalizedPageRank, type TransitionMatrix, type PprOptions, type PprResult } from './personalized-pagerank.js';
export { pushPersonalizedPageRank, type PushOptions, type PushResult } from './push-pagerank.js';
export { graphTransition, type GraphTransition } from './graph-transition.js';
export { GraphRetriever } from './graph-retriever.js';
export type { GraphExplanation } from './explain-passage.js';
export { memoryChunkSource, type ChunkSource } from './chunk-source.js';
export { encodeGraph, decodeGraph, GRAPH_FILE, GRAPH_FORMAT_VERSION, type DecodedGraph } from './graph-format.js';
export { readGraphFile, writeGraphFile } from './graph-file.js';
export { GraphSpecSchema, FirstStageSpecSchema, walkOptionsOf, firstSpecOf, type GraphSpec } from './graph-spec.js';
export { graphSideIndex, GRAPH_SIDE_INDEX, graphFileName } from './graph-side-index.js';
export { loadIndexGraph, indexGraphRetriever } from './index-graph.js';
