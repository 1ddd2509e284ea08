"use client";
import { useMemo, useState } from "react";
import { diffWordsWithSpace } from "diff";
import { Select } from "@/components/ui/input";

/** Word-level diff of two answers: removed words struck through in red, added ones in green. */
export function WordDiff({ before, after }: { before: string; after: string }) {
  const parts = useMemo(() => diffWordsWithSpace(before, after), [before, after]);
  return (
    <p className="whitespace-pre-wrap break-words rounded-md border border-zinc-200 p-3 font-mono text-xs leading-relaxed dark:border-zinc-800" data-testid="word-diff">
      {parts.map((p, i) =>
        p.added ? (
          <ins key={i} className="bg-green-100 text-green-900 no-underline dark:bg-green-900/50 dark:text-green-200">{p.value}</ins>
        ) : p.removed ? (
          <del key={i} className="bg-red-100 text-red-900 dark:bg-red-900/50 dark:text-red-200">{p.value}</del>
        ) : (
          <span key={i}>{p.value}</span>
        ),
      )}
    </p>
  );
}

/** "How do these two answers differ?" for K answers: pick any two, see the word diff. Folded by default. */
export function CompareResponses({ responses }: { responses: { id: string; label: string; text: string }[] }) {
  const [a, setA] = useState(responses[0]?.id ?? "");
  const [b, setB] = useState(responses[1]?.id ?? "");
  if (responses.length < 2) return null;
  const ra = responses.find((r) => r.id === a) ?? responses[0];
  const rb = responses.find((r) => r.id === b) ?? responses[1];
  return (
    <details className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <summary className="cursor-pointer text-sm font-medium">Compare two answers (word diff)</summary>
      <div className="mt-3 space-y-2">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label className="flex items-center gap-1">From <Select aria-label="Compare from" className="w-auto" value={ra.id} onChange={(e) => setA(e.target.value)}>
            {responses.map((r) => <option key={r.id} value={r.id}>{r.label}</option>)}
          </Select></label>
          <label className="flex items-center gap-1">to <Select aria-label="Compare to" className="w-auto" value={rb.id} onChange={(e) => setB(e.target.value)}>
            {responses.map((r) => <option key={r.id} value={r.id}>{r.label}</option>)}
          </Select></label>
          <span className="text-xs text-zinc-500"><del className="bg-red-100 px-1 dark:bg-red-900/50">only in {ra.label}</del> <ins className="bg-green-100 px-1 no-underline dark:bg-green-900/50">only in {rb.label}</ins></span>
        </div>
        <WordDiff before={ra.text} after={rb.text} />
      </div>
    </details>
  );
}
