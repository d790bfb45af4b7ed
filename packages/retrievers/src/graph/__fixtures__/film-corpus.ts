import type { Chunk, Embedder } from '@sift/core';

/** A tiny linked corpus: one whole-document chunk per page, each opening with its title line. */
export const PAGES: ReadonlyArray<[id: string, text: string]> = [
  ['ed-wood-film', 'Ed Wood (film)\nEd Wood is a 1994 American biographical film directed by Tim Burton. It stars Johnny Depp as the cult filmmaker.'],
  ['tim-burton', 'Tim Burton\nTimothy Walter Burton is an American filmmaker. Burton studied animation at the California Institute of the Arts.'],
  ['johnny-depp', 'Johnny Depp\nJohn Christopher Depp II is an American actor and musician.'],
  ['calarts', 'California Institute of the Arts\nCalArts is a private art university in Valencia, Santa Clarita.'],
  ['note', 'a plain lowercase note about apples and pears with nothing named at all.'],
];

export function pageChunks(): Chunk[] {
  return PAGES.map(([id, text]) => ({ id, docId: id, text, start: 0, end: text.length, tokenCount: text.split(' ').length, metadata: {} }));
}

/** An embedder over a fixed table (unknown texts get a vector of their own): enough to test synonym edges. */
export function tableEmbedder(table: Record<string, number[]>, dim = 3): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  let next = 0;
  const own = new Map<string, Float32Array>();
  return {
    id: 'table',
    dim,
    maxTokens: 64,
    calls,
    async embed(texts: string[]) {
      calls.push(texts);
      return texts.map((t) => {
        const v = table[t];
        if (v) return Float32Array.from(v);
        let o = own.get(t);
        if (!o) {
          // Unit vectors spread on a circle in the last two dimensions, far from the table's first axis.
          const a = (next++ * 2.399963) % (2 * Math.PI);
          o = new Float32Array(dim);
          o[dim - 2] = Math.cos(a);
          o[dim - 1] = Math.sin(a);
          own.set(t, o);
        }
        return o;
      });
    },
  };
}
