/**
 * Generated blocks in markdown: `<!-- figure:<source>[:<view>] -->…<!-- /figure:<source>[:<view>] -->`.
 * The text between the markers is what the view of the source renders from its results file
 * (docs/figures/<source>.json). A block whose opening marker starts a line holds its text on the
 * lines between the markers; anywhere else (in a sentence, a table cell) it is inline.
 */

/** One generated block of a document. */
export interface Block {
  /** `<source>` or `<source>:<view>`, as in the markers. */
  id: string;
  source: string;
  /** The view's name; "" for the source's main view. */
  view: string;
  /** 1-based line of the opening marker. */
  line: number;
  /** True when the block sits inside a line (a sentence, a table cell). */
  inline: boolean;
  /** Offsets of the whole block (markers included) and of its content. */
  start: number;
  end: number;
  contentStart: number;
  contentEnd: number;
  /** The text between the markers, as in the file. */
  content: string;
}

const ID = "([a-z0-9][a-z0-9-]*)(?::([a-z0-9][a-z0-9-]*))?";
const OPEN = new RegExp(`<!-- figure:${ID} -->`, "g");
const ANY_MARKER = /<!--\s*\/?\s*figure\b[^>]*-->/g;

export const openMarker = (id: string) => `<!-- figure:${id} -->`;
export const closeMarker = (id: string) => `<!-- /figure:${id} -->`;

/** A marker problem: unclosed, nested, stray or misspelt markers. */
export class BlockSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = "BlockSyntaxError";
  }
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** The [start, end) offsets of the fenced code blocks of a Markdown text (``` or ~~~ fences). */
export function fencedCode(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  let open: { at: number; fence: string } | undefined;
  let at = 0;
  for (const line of text.split("\n")) {
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence && !open) open = { at, fence };
    else if (fence && open && fence[0] === open.fence[0] && fence.length >= open.fence.length && line.trim() === fence) {
      ranges.push([open.at, at + line.length]);
      open = undefined;
    }
    at += line.length + 1;
  }
  if (open) ranges.push([open.at, text.length]);
  return ranges;
}

/**
 * The generated blocks of `text`, in order; throws {@link BlockSyntaxError} on bad markers.
 * Markers inside fenced code are examples, not blocks.
 */
export function findBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const used = new Set<number>();
  const code = fencedCode(text);
  const inCode = (i: number) => code.some(([a, b]) => a <= i && i < b);
  let from = 0;
  for (;;) {
    OPEN.lastIndex = from;
    const m = OPEN.exec(text);
    if (!m) break;
    if (inCode(m.index)) {
      from = m.index + m[0].length;
      continue;
    }
    const source = m[1] ?? "";
    const view = m[2] ?? "";
    const id = view ? `${source}:${view}` : source;
    const contentStart = m.index + m[0].length;
    const close = closeMarker(id);
    const contentEnd = text.indexOf(close, contentStart);
    if (contentEnd < 0) throw new BlockSyntaxError(lineAt(text, m.index), `${openMarker(id)} has no ${close}`);
    const content = text.slice(contentStart, contentEnd);
    const nested = content.search(ANY_MARKER);
    if (nested >= 0)
      throw new BlockSyntaxError(lineAt(text, contentStart + nested), `a figure marker inside the block ${openMarker(id)}`);
    const lineStart = text.lastIndexOf("\n", m.index - 1) + 1;
    const inline = text.slice(lineStart, m.index).trim() !== "";
    const lineEnd = text.indexOf("\n", contentEnd);
    if (!inline && text.slice(contentEnd + close.length, lineEnd < 0 ? undefined : lineEnd).trim() !== "")
      throw new BlockSyntaxError(
        lineAt(text, m.index),
        `${openMarker(id)} starts a line, so it is a block (Markdown ends a paragraph at a comment that starts a line), ` +
          `but text follows ${close}: put the opening marker after some words of the sentence, or the text after the block on a line of its own`,
      );
    blocks.push({
      id,
      source,
      view,
      line: lineAt(text, m.index),
      inline,
      start: m.index,
      end: contentEnd + close.length,
      contentStart,
      contentEnd,
      content,
    });
    used.add(m.index).add(contentEnd);
    from = contentEnd + close.length;
  }
  for (const m of text.matchAll(ANY_MARKER)) {
    if (m.index !== undefined && !used.has(m.index) && !inCode(m.index))
      throw new BlockSyntaxError(lineAt(text, m.index), `stray or misspelt figure marker ${m[0]}`);
  }
  return blocks;
}

/** The content a block of this form holds for a rendered text. */
export function blockContent(rendered: string, inline: boolean): string {
  const text = rendered.replace(/\s+$/, "");
  return inline ? text : `\n${text}\n`;
}

/** `text` with every block's content replaced by `render(block)` (in the block's form); undefined keeps a block as it is. */
export function replaceBlocks(text: string, render: (block: Block) => string | undefined): string {
  let out = "";
  let at = 0;
  for (const b of findBlocks(text)) {
    const rendered = render(b);
    out += text.slice(at, b.contentStart) + (rendered === undefined ? b.content : blockContent(rendered, b.inline));
    at = b.contentEnd;
  }
  return out + text.slice(at);
}

/** `text` with every block (markers and content) blanked out, line numbers kept: what is left is prose. */
export function withoutBlocks(text: string): string {
  let out = "";
  let at = 0;
  for (const b of findBlocks(text)) {
    out += text.slice(at, b.start) + text.slice(b.start, b.end).replace(/[^\n]/g, " ");
    at = b.end;
  }
  return out + text.slice(at);
}
