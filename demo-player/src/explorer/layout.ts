/**
 * Tidy layout of an order graph (a tree: every sub-order has one parent). Top-down: depth is the
 * row; leaves take consecutive columns in the order their parents list them, and a parent sits
 * centred over its first and last child, so no two subtrees overlap and edges never cross.
 * Pure: tested without a browser.
 */
export interface TreeNodeIn {
  readonly id: string;
  readonly parent: string | null;
  readonly children: readonly string[];
}

export interface Placed<T> {
  readonly node: T;
  /** Centre x and top y, in layout units (pixels of the SVG's viewBox). */
  readonly x: number;
  readonly y: number;
  readonly depth: number;
}

export interface TreeLayout<T> {
  readonly nodes: readonly Placed<T>[];
  readonly edges: readonly { readonly from: Placed<T>; readonly to: Placed<T> }[];
  readonly width: number;
  readonly height: number;
}

export interface LayoutOptions {
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  /** Horizontal gap between neighbouring nodes. */
  readonly gapX: number;
  /** Vertical gap between rows. */
  readonly gapY: number;
  readonly margin: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { nodeWidth: 200, nodeHeight: 86, gapX: 22, gapY: 64, margin: 16 };

/** Lays out the tree under `rootId`; nodes not reachable from it are left out. */
export function layoutTree<T extends TreeNodeIn>(nodes: readonly T[], rootId: string, opts: LayoutOptions = DEFAULT_LAYOUT): TreeLayout<T> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const placed = new Map<string, Placed<T>>();
  const order: Placed<T>[] = [];
  const edges: { from: Placed<T>; to: Placed<T> }[] = [];
  const step = opts.nodeWidth + opts.gapX;
  let nextLeaf = 0;
  let maxDepth = 0;
  const seen = new Set<string>();

  // Post-order, iterative-safe depth (trees are ≤ 8 deep by protocol, so recursion is fine).
  const place = (id: string, depth: number): Placed<T> | null => {
    const n = byId.get(id);
    if (!n || seen.has(id)) return null;
    seen.add(id);
    maxDepth = Math.max(maxDepth, depth);
    const kids = n.children.map((c) => place(c, depth + 1)).filter((p): p is Placed<T> => p !== null);
    const x = kids.length > 0 ? (kids[0]!.x + kids[kids.length - 1]!.x) / 2 : opts.margin + opts.nodeWidth / 2 + step * nextLeaf++;
    const p: Placed<T> = { node: n, x, y: opts.margin + depth * (opts.nodeHeight + opts.gapY), depth };
    placed.set(id, p);
    for (const k of kids) edges.push({ from: p, to: k });
    return p;
  };
  place(rootId, 0);
  // Breadth-first order for rendering and keyboard navigation (row by row, left to right).
  for (const p of placed.values()) order.push(p);
  order.sort((a, b) => a.depth - b.depth || a.x - b.x);
  return {
    nodes: order,
    edges,
    width: opts.margin * 2 + Math.max(1, nextLeaf) * step - opts.gapX,
    height: opts.margin * 2 + (maxDepth + 1) * opts.nodeHeight + maxDepth * opts.gapY,
  };
}
