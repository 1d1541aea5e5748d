/**
 * The reference's fuzzy score of a path for a query (spec: file search): the query's
 * characters must appear in order, case-insensitively, taking each at its first occurrence;
 * each scores 1, or 2 right after the previous match, plus 3 at the start or after a `/`.
 * The points are divided by `query length + 0.1 × path length`. 0 = no match.
 */
export function fuzzyScore(query: string, path: string): number {
  const q = query.toLowerCase();
  const p = path.toLowerCase();
  let points = 0;
  let matched = 0;
  let previous = -1;
  for (let i = 0; i < p.length && matched < q.length; i++) {
    if (p[i] !== q[matched]) continue;
    points += matched > 0 && previous === i - 1 ? 2 : 1;
    if (i === 0 || p[i - 1] === "/") points += 3;
    previous = i;
    matched++;
  }
  return matched === q.length ? points / (query.length + 0.1 * path.length) : 0;
}
