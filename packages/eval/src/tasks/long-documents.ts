import type { Document } from '@sift/core';
import type { DocSpan, QaDataset, QaQuestion } from '../datasets/qa-dataset.js';

export interface LongDocument {
  document: Document;
  questions: Array<{ question: QaQuestion; evidence: DocSpan[] }>;
}

const SEPARATOR = '\n\n';

/**
 * Join each question's group of passages (HotpotQA: its 10 context paragraphs; SQuAD: its article) into one long
 * document, in order, and move the evidence spans into it. Questions sharing a group share the document.
 */
export function buildLongDocuments(dataset: QaDataset): LongDocument[] {
  const byId = new Map(dataset.documents.map((d) => [d.id, d]));
  const out = new Map<string, LongDocument & { offsets: Map<string, number> }>();
  for (const q of dataset.questions) {
    if (q.group.length === 0) continue;
    const key = q.group.join('\u0000');
    let long = out.get(key);
    if (!long) {
      let text = '';
      const offsets = new Map<string, number>();
      for (const id of q.group) {
        const d = byId.get(id);
        if (!d) continue;
        if (text.length > 0) text += SEPARATOR;
        offsets.set(id, text.length);
        text += d.text;
      }
      const id = `${dataset.name}:${out.size}`;
      long = { document: { id, text, metadata: { parts: q.group.length } }, questions: [], offsets };
      out.set(key, long);
    }
    const evidence: DocSpan[] = [];
    for (const e of q.evidence) {
      const off = long.offsets.get(e.docId);
      if (off !== undefined) evidence.push({ docId: long.document.id, start: off + e.start, end: off + e.end });
    }
    long.questions.push({ question: q, evidence });
  }
  return [...out.values()].map(({ document, questions }) => ({ document, questions }));
}
