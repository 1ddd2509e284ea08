"use client";

// A small inline SVG line chart (no chart library): one series of (step, value) points, axes labelled
// with the min / max of each.
export function LineChart({ title, points, height = 120 }: { title: string; points: { step: number; value: number }[]; height?: number }) {
  const width = 320;
  const pad = 28;
  if (!points.length) {
    return (
      <figure className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
        <figcaption className="text-xs font-medium">{title}</figcaption>
        <div className="flex items-center justify-center text-xs text-zinc-500" style={{ height }}>waiting for data…</div>
      </figure>
    );
  }
  const xs = points.map((p) => p.step);
  const ys = points.map((p) => p.value);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (width - pad - 6);
  const sy = (y: number) => height - 16 - ((y - y0) / (y1 - y0 || 1)) * (height - 28);
  const d = points.map((p, i) => `${i ? "L" : "M"}${sx(p.step).toFixed(1)},${sy(p.value).toFixed(1)}`).join(" ");
  const fmt = (v: number) => (Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2));
  const last = points[points.length - 1];
  return (
    <figure className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800" data-testid={`chart-${title}`}>
      <figcaption className="flex justify-between text-xs">
        <span className="font-medium">{title}</span>
        <span className="text-zinc-500">{fmt(last.value)} @ {last.step}</span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} className="w-full" role="img" aria-label={`${title} over steps`}>
        <line x1={pad} y1={height - 16} x2={width - 6} y2={height - 16} className="stroke-zinc-300" />
        <line x1={pad} y1={8} x2={pad} y2={height - 16} className="stroke-zinc-300" />
        <text x={2} y={14} className="fill-zinc-500 text-[9px]">{fmt(y1)}</text>
        <text x={2} y={height - 18} className="fill-zinc-500 text-[9px]">{fmt(y0)}</text>
        <text x={pad} y={height - 4} className="fill-zinc-500 text-[9px]">{x0}</text>
        <text x={width - 30} y={height - 4} className="fill-zinc-500 text-[9px]">{x1}</text>
        <path d={d} fill="none" strokeWidth={1.5} className="stroke-blue-600" />
      </svg>
    </figure>
  );
}
