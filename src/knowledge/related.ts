import type { Knowledge } from './types.js';

/**
 * The groups of sections whose follow-ups lead back to themselves (a → b → a), each in topic
 * order. Not an error: two sections that point at each other are a natural "see also"; an
 * editor may still want to know, since a reader can go round them. Tarjan's strongly
 * connected components, iteratively, so that a long chain cannot overflow the stack.
 */
export function relatedCycles(knowledge: Knowledge): string[][] {
  const order = new Map(knowledge.sections.map((s, i) => [s.id, i]));
  const edges = knowledge.sections.map((s) =>
    s.related.flatMap((id) => {
      const target = order.get(id);
      return target === undefined ? [] : [target];
    }),
  );
  const index = new Array<number>(edges.length).fill(-1);
  const low = new Array<number>(edges.length).fill(0);
  const onStack = new Array<boolean>(edges.length).fill(false);
  const stack: number[] = [];
  const groups: number[][] = [];
  let counter = 0;
  for (let root = 0; root < edges.length; root++) {
    if (index[root] !== -1) continue;
    const work: [node: number, edge: number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1] as [number, number];
      const [node, edge] = frame;
      if (edge === 0) {
        index[node] = low[node] = counter++;
        stack.push(node);
        onStack[node] = true;
      }
      const next = edges[node]?.[edge];
      if (next !== undefined) {
        frame[1]++;
        if (index[next] === -1) work.push([next, 0]);
        else if (onStack[next]) low[node] = Math.min(low[node] ?? 0, index[next] ?? 0);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]] ?? 0, low[node] ?? 0);
      if (low[node] === index[node]) {
        const group: number[] = [];
        let member: number | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack[member] = false;
          group.push(member);
        } while (member !== node);
        if (group.length > 1) groups.push(group.sort((a, b) => a - b));
      }
    }
  }
  return groups
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))
    .map((group) => group.map((i) => knowledge.sections[i]?.id ?? ''));
}
