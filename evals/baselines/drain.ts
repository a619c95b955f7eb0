/**
 * A reference log parser to score ours against where no published figure exists: Drain (He et
 * al., "Drain: An Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017), written here
 * from the paper's description. Issue 14's target is "none below Drain" on systems nobody tuned
 * on; the published Drain figures cover only the public files, so on the generated systems
 * (events known by construction) this is the bar.
 *
 * The algorithm, as the paper gives it:
 *  1. preprocess: replace what the regular expressions match (numbers, IPs, hex) with `<*>`;
 *  2. split on whitespace;
 *  3. walk a tree of fixed depth: the first layer by token count, then one layer per leading
 *     token (`depth - 2` of them); a token holding a digit goes to the `<*>` child, and once a
 *     node has `maxChildren` children, new tokens go there too;
 *  4. in the leaf, pick the group whose template shares the most tokens at the same positions
 *     (wildcards not counted; ties to the template with more wildcards); join it when that share
 *     of the line's tokens reaches `similarity`, widening the template where they differ, else
 *     open a new group.
 * Each line keeps the group it joined; groups never merge. Pure; not used by the product.
 */

export interface DrainOptions {
  /** Tree depth including the root and the length layer (the paper's 4). */
  depth: number;
  /** Share of equal tokens to join a group (the paper's default 0.5; the benchmark tunes 0.2-0.7 per system). */
  similarity: number;
  /** Children per tree node before new tokens share the `<*>` child (the benchmark's 100). */
  maxChildren: number;
  /** Replaced by `<*>` before splitting (the domain-knowledge step). */
  masks: readonly RegExp[];
}

const WILD = '<*>';

/**
 * Generic masks, the same for every system (an unseen system comes with no regular expressions
 * of its own; the published Drain figures used per-system ones): IPv4 with an optional port,
 * 0x-hex, and numbers standing alone between non-alphanumerics.
 */
export const GENERIC_MASKS: readonly RegExp[] = [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, /\b0x[0-9a-fA-F]+\b/g, /(?<![A-Za-z0-9])[-+]?\d+(?:\.\d+)?(?![A-Za-z0-9])/g];

export const DRAIN_DEFAULTS: DrainOptions = { depth: 4, similarity: 0.5, maxChildren: 100, masks: GENERIC_MASKS };

interface Group {
  id: number;
  template: string[];
}

interface TreeNode {
  children: Map<string, TreeNode>;
  groups: Group[];
}

const newNode = (): TreeNode => ({ children: new Map(), groups: [] });
const hasDigit = (t: string) => /\d/.test(t);

/** Equal tokens at the same positions (wildcards in the template not counted) over the length, and the template's wildcards. */
function similarity(template: readonly string[], tokens: readonly string[]): { sim: number; wild: number } {
  let same = 0;
  let wild = 0;
  for (let i = 0; i < template.length; i++) {
    if (template[i] === WILD) wild++;
    else if (template[i] === tokens[i]) same++;
  }
  return { sim: template.length === 0 ? 1 : same / template.length, wild };
}

/** The child a token leads to, made when there is room (see step 3). */
function childFor(node: TreeNode, token: string, maxChildren: number): TreeNode {
  const key = hasDigit(token) ? WILD : token;
  const found = node.children.get(key);
  if (found) return found;
  if (key !== WILD && node.children.size < maxChildren - (node.children.has(WILD) ? 0 : 1)) {
    const made = newNode();
    node.children.set(key, made);
    return made;
  }
  let wild = node.children.get(WILD);
  if (!wild) {
    wild = newNode();
    node.children.set(WILD, wild);
  }
  return wild;
}

/** A streaming Drain parser: `add` returns the group id of each line in turn. */
export class Drain {
  private readonly root = new Map<number, TreeNode>();
  private readonly groups: Group[] = [];

  constructor(private readonly opts: DrainOptions = DRAIN_DEFAULTS) {}

  add(line: string): number {
    let content = line;
    for (const m of this.opts.masks) content = content.replace(m, WILD);
    const tokens = content.trim().split(/\s+/).filter(Boolean);
    let node = this.root.get(tokens.length);
    if (!node) {
      node = newNode();
      this.root.set(tokens.length, node);
    }
    for (let i = 0; i < Math.min(this.opts.depth - 2, tokens.length); i++) node = childFor(node, tokens[i], this.opts.maxChildren);
    let best: Group | null = null;
    let bestSim = -1;
    let bestWild = -1;
    for (const g of node.groups) {
      const { sim, wild } = similarity(g.template, tokens);
      if (sim > bestSim || (sim === bestSim && wild > bestWild)) [best, bestSim, bestWild] = [g, sim, wild];
    }
    if (best && bestSim >= this.opts.similarity) {
      best.template = best.template.map((t, i) => (t === tokens[i] ? t : WILD));
      return best.id;
    }
    const made: Group = { id: this.groups.length, template: tokens };
    this.groups.push(made);
    node.groups.push(made);
    return made.id;
  }

  /** Each group's template, by id. */
  templates(): string[] {
    return this.groups.map((g) => g.template.join(' '));
  }
}

/** Drain's group id of every line, in order. */
export function drainGroups(lines: readonly string[], opts: DrainOptions = DRAIN_DEFAULTS): string[] {
  const d = new Drain(opts);
  return lines.map((l) => String(d.add(l)));
}
