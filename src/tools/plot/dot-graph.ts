/**
 * A small DOT document: a directed graph of nodes, edges and clusters (subgraphs drawn as a
 * dashed box), written as Graphviz's DOT language. Only what model plots need — what pydot does
 * for Keras's `model_to_dot`.
 */

/** An HTML-like label (`<…>`, the outer brackets included), written into the DOT as it is. */
export class HtmlLabel {
  constructor(readonly text: string) {}
}

/** Attribute values: text (quoted where needed), a number, a boolean, or an HTML-like label. */
type AttrValue = string | number | boolean | HtmlLabel;
export type Attrs = ReadonlyArray<readonly [string, AttrValue]>;

interface DotNode {
  kind: "node";
  id: string;
  attrs: Attrs;
}

interface DotEdge {
  kind: "edge";
  from: string;
  to: string;
  attrs: Attrs;
}

/** A graph or cluster: its attributes, then statements in the order they were added. */
export class DotGraph {
  private readonly statements: (DotNode | DotEdge | DotGraph)[] = [];

  constructor(
    /** "G" for the document, "cluster_<name>" for a cluster */
    readonly name: string,
    private readonly attrs: Attrs,
    /** default node attributes (`node [...]`), for the document */
    private readonly nodeDefaults: Attrs = [],
  ) {}

  addNode(id: string, attrs: Attrs): void {
    this.statements.push({ kind: "node", id, attrs });
  }

  addEdge(from: string, to: string, attrs: Attrs): void {
    this.statements.push({ kind: "edge", from, to, attrs });
  }

  addSubgraph(graph: DotGraph): void {
    this.statements.push(graph);
  }

  /** The DOT text: `digraph G { … }` for the document, `subgraph … { … }` for a cluster. */
  toString(indent = ""): string {
    const inner = indent + "  ";
    const head =
      indent === "" ? `digraph ${quoteId(this.name)}` : `${indent}subgraph ${quoteId(this.name)}`;
    const lines = [`${head} {`];
    for (const [key, value] of this.attrs) lines.push(`${inner}${key}=${formatValue(value)};`);
    if (this.nodeDefaults.length > 0)
      lines.push(`${inner}node [${formatAttrs(this.nodeDefaults)}];`);
    for (const s of this.statements) {
      if (s instanceof DotGraph) lines.push(s.toString(inner));
      else if (s.kind === "node") lines.push(`${inner}${quoteId(s.id)} [${formatAttrs(s.attrs)}];`);
      else lines.push(`${inner}${quoteId(s.from)} -> ${quoteId(s.to)} [${formatAttrs(s.attrs)}];`);
    }
    lines.push(`${indent}}`);
    return lines.join("\n") + (indent === "" ? "\n" : "");
  }
}

/** DOT's keywords, which cannot be bare identifiers (in any case). */
const KEYWORDS = new Set(["node", "edge", "graph", "digraph", "subgraph", "strict"]);

/**
 * A DOT identifier: bare when it is a plain word, else a quoted string. In a quoted DOT string
 * only `\"` is an escape, so a backslash is written as it is (callers keep them out of ids).
 */
function quoteId(id: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(id) && !KEYWORDS.has(id.toLowerCase())) return id;
  return `"${id.replace(/"/g, '\\"')}"`;
}

/** An attribute value; a text label's backslashes are doubled (Graphviz reads `\n` etc. in them). */
function formatValue(value: AttrValue): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof HtmlLabel) return value.text;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value) && !KEYWORDS.has(value.toLowerCase())) return value;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function formatAttrs(attrs: Attrs): string {
  return attrs.map(([key, value]) => `${key}=${formatValue(value)}`).join(", ");
}
