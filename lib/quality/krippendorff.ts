// Krippendorff's alpha for any number of coders with missing values.
//   alpha = 1 - D_o / D_e
// Coincidence matrix: every unit with m_u >= 2 values adds, for each ordered pair of its values (c, k)
// from different coders, 1 / (m_u - 1) to o[c][k]. n_c = sum_k o[c][k], n = sum_c n_c.
//   D_o = sum_{c,k} o[c][k] delta2(c, k) / n
//   D_e = sum_{c,k} n_c n_k delta2(c, k) / (n (n - 1))
// delta2: nominal 0 if c = k else 1; interval (c - k)^2; ordinal (sum_{g between c and k} n_g - (n_c + n_k) / 2)^2.
// Null when undefined (fewer than 2 pairable values, or no expected disagreement: every value the same).

export type TAlphaMetric = "nominal" | "ordinal" | "interval";

/** `units[u]` holds the values the coders gave unit u (missing values left out). */
export function krippendorffAlpha(units: (number | string)[][], metric: TAlphaMetric): number | null {
  const pairable = units.filter((u) => u.length >= 2);
  const values = [...new Set(pairable.flat())];
  if (metric !== "nominal") values.sort((a, b) => Number(a) - Number(b));
  const index = new Map(values.map((v, i) => [v, i]));
  const V = values.length;
  const o = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  for (const unit of pairable) {
    const w = 1 / (unit.length - 1);
    for (let i = 0; i < unit.length; i++) {
      for (let j = 0; j < unit.length; j++) {
        if (i !== j) o[index.get(unit[i])!][index.get(unit[j])!] += w;
      }
    }
  }
  const nc = o.map((row) => row.reduce((a, b) => a + b, 0));
  const n = nc.reduce((a, b) => a + b, 0);
  if (n < 2) return null;
  const delta2 = (c: number, k: number): number => {
    if (c === k) return 0;
    if (metric === "nominal") return 1;
    if (metric === "interval") return (Number(values[c]) - Number(values[k])) ** 2;
    const [lo, hi] = c < k ? [c, k] : [k, c];
    let s = 0;
    for (let g = lo; g <= hi; g++) s += nc[g];
    return (s - (nc[c] + nc[k]) / 2) ** 2;
  };
  let dObserved = 0;
  let dExpected = 0;
  for (let c = 0; c < V; c++) {
    for (let k = 0; k < V; k++) {
      const d = delta2(c, k);
      dObserved += o[c][k] * d;
      dExpected += nc[c] * nc[k] * d;
    }
  }
  dObserved /= n;
  dExpected /= n * (n - 1);
  if (dExpected === 0) return null;
  return 1 - dObserved / dExpected;
}
