import { z } from 'zod';

/** Where a passage's own title (its "page" entity) comes from, tried in this order. */
export const TITLE_SOURCES = ['metadata', 'first-line', 'doc-id'] as const;
export type TitleSource = (typeof TITLE_SOURCES)[number];

/** How the passage–entity graph is built (fixed once built; stored in graph.bin). */
export const GraphBuildOptionsSchema = z
  .object({
    /** `metadata`: chunk.metadata.title; `first-line`: a short heading line opening the document; `doc-id`: the file name. */
    titles: z.array(z.enum(TITLE_SOURCES)).default(['metadata', 'first-line', 'doc-id']),
    /** Capitalised multi-word phrases as entities (besides titles). */
    phrases: z.boolean().default(true),
    /** Also single capitalised words that do not open a sentence. Noisier; off by default. */
    singleWordPhrases: z.boolean().default(false),
    maxPhraseWords: z.number().int().min(1).max(16).default(6),
    /** `all`: also names nested in longer ones ("FIFA U-20 World Cup" inside "2007 FIFA U-20 World Cup"); `longest`: leftmost-longest only. */
    mentions: z.enum(['all', 'longest']).default('all'),
    /** Add synonym edges between entities whose name embeddings are very close (needs an embedder; costs one embed per entity). */
    synonyms: z.boolean().default(false),
    /** Synonym edges join entities whose name embeddings have at least this cosine (only with an embedder). */
    synonymThreshold: z.number().gt(0).max(1).default(0.9),
    /** At most this many synonym edges per entity. */
    maxSynonyms: z.number().int().min(1).max(64).default(5),
  })
  .strict();
export type GraphBuildOptions = z.input<typeof GraphBuildOptionsSchema>;
export type ResolvedGraphBuildOptions = z.output<typeof GraphBuildOptionsSchema>;

/** How a query walks the graph and how the walk is fused with the first stage (free to change per retriever). */
export const GraphWalkOptionsSchema = z
  .object({
    /**
     * Probability of following an edge at each step; the rest jumps back to the seeds. HippoRAG uses 0.5; 0.8 was
     * best on HotpotQA questions 0–49 with both bm25 and hybrid first stages (two-hop paths keep more mass).
     */
    damping: z.number().gt(0).lt(1).default(0.8),
    /**
     * `push`: forward push, whose work follows the mass (about 10× faster than power iteration at 10k passages, scores
     * within 1e-5 of exact at the default epsilon); `power`: power iteration over the whole graph until `tolerance`.
     */
    solver: z.enum(['push', 'power']).default('push'),
    /** push: a node is settled while its residual exceeds epsilon × its out-degree. */
    epsilon: z.number().gt(0).max(0.1).default(1e-7),
    /** power: at most this many iterations. */
    maxIterations: z.number().int().min(1).max(1000).default(100),
    /** power: stop when the L1 change of the scores falls below this (rankings settle long before 1e-6). */
    tolerance: z.number().min(0).default(1e-6),
    /** First-stage results fetched (fused candidates, and the pool seeds are taken from). */
    depth: z.number().int().min(1).max(10_000).default(20),
    /** The first stage's top passages that seed the walk. */
    seedPassages: z.number().int().min(1).max(1000).default(3),
    /** Seed weights from first-stage scores (max-normalised) or from ranks (1/rank). */
    seedWeighting: z.enum(['score', 'rank']).default('score'),
    /** Share of the seed mass put on entities named in the query (0 = passages only). */
    queryEntityWeight: z.number().min(0).max(1).default(0.3),
    /** Edge weight multiplier between a passage and its own title entity (mentions weigh 1). */
    titleWeight: z.number().gt(0).default(4),
    /** Multiplier on a passage's step to an entity that is some passage's title (a page), over plain phrases. */
    pageWeight: z.number().gt(0).default(4),
    /** Entities in more than this share of passages (and more than 10) are left out of the walk: hubs say little. */
    maxEntityShare: z.number().gt(0).max(1).default(0.02),
    /** Weight of synonym edges relative to a mention edge of the same entity. */
    synonymWeight: z.number().min(0).default(0.5),
    /**
     * Fused score = w · first-stage score + (1 − w) · walk score, each max-normalised. The walk score leaves out the
     * restart mass a seed gets back directly, so seeds rank by how well the graph connects them, not by their seed weight.
     */
    firstStageWeight: z.number().min(0).max(1).default(0.1),
  })
  .strict();
export type GraphWalkOptions = z.input<typeof GraphWalkOptionsSchema>;
export type ResolvedGraphWalkOptions = z.output<typeof GraphWalkOptionsSchema>;

/** Build and walk options together, as a `graph` retriever spec takes them. */
export const GraphOptionsSchema = GraphBuildOptionsSchema.extend(GraphWalkOptionsSchema.shape).strict();
export type GraphOptions = z.input<typeof GraphOptionsSchema>;
