/** Sentences joined by '\n', with the UTF-16 offset where each one starts in the joined text. */
export function joinSentences(sentences: readonly string[]): { text: string; starts: number[] } {
  const starts: number[] = [];
  let pos = 0;
  for (const s of sentences) {
    starts.push(pos);
    pos += s.length + 1;
  }
  return { text: sentences.join('\n'), starts };
}
