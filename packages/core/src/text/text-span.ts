/** A span of a source text: `source.slice(start, end) === text` (UTF-16 offsets). */
export interface TextSpan {
  start: number;
  end: number;
  text: string;
}
