"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Select, Textarea } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";
import { Markdown } from "@/components/labeling/markdown";

type V = { id: string; name: string; kind: string; status: string };

// Two versions on the same prompts, side by side (named: this is the open comparison), and a button to
// start a blind A/B comparison of the same pair for reviewers. Prompts and answers go through the shared
// Markdown view, as labelers see them (raw HTML shows as visible text).
export function SideBySide({ projectId, versions }: { projectId: string; versions: V[] }) {
  const lms = versions.filter((v) => v.kind !== "RM");
  const [a, setA] = useState(lms[lms.length - 2]?.id ?? lms[0]?.id ?? "");
  const [b, setB] = useState(lms[lms.length - 1]?.id ?? "");
  const [prompts, setPrompts] = useState("Say hello.\nWhat is the sky's colour?");
  const [rows, setRows] = useState<{ prompt: string; a: string; b: string }[]>([]);
  const [started, setStarted] = useState<string>();
  const { call, pending, error } = useApi();
  const list = prompts.split("\n").map((p) => p.trim()).filter(Boolean).slice(0, 8);

  async function run() {
    const body = { prompts: list, maxTokens: 48, temperature: 0.7, seed: 0 };
    const [ra, rb] = [await call<{ completions: string[] }>("POST", `/api/v1/models/${a}/generate`, body), await call<{ completions: string[] }>("POST", `/api/v1/models/${b}/generate`, body)];
    if (ra && rb) setRows(list.map((p, i) => ({ prompt: p, a: ra.completions[i], b: rb.completions[i] })));
  }
  async function blind() {
    const r = await call<{ id: string }>("POST", `/api/v1/projects/${projectId}/comparisons`, { versionAId: a, versionBId: b, count: 20, maxTokens: 48 });
    if (r) setStarted(r.id);
  }
  const name = (id: string) => lms.find((v) => v.id === id)?.name ?? id;
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        {[["Version A", a, setA, "version-a"], ["Version B", b, setB, "version-b"]].map(([label, value, set, htmlId]) => (
          <Field key={htmlId as string} label={label as string} htmlFor={htmlId as string}>
            <Select id={htmlId as string} value={value as string} onChange={(e) => (set as (s: string) => void)(e.target.value)}>
              {lms.map((v) => <option key={v.id} value={v.id}>{v.name} ({v.kind.toLowerCase()}, {v.status.toLowerCase()})</option>)}
            </Select>
          </Field>
        ))}
      </div>
      <Field label="Prompts (one per line)" htmlFor="sbs-prompts">
        <Textarea id="sbs-prompts" value={prompts} onChange={(e) => setPrompts(e.target.value)} />
      </Field>
      <div className="flex flex-wrap gap-2">
        <Button disabled={pending || !a || !b || a === b || !list.length} onClick={run}>{pending ? "Generating…" : "Compare side by side"}</Button>
        <Button variant="secondary" disabled={pending || !a || !b || a === b} onClick={blind}>Start a blind A/B comparison</Button>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {started ? <Alert tone="success">Blind comparison started: the worker is writing both answers. <a className="underline" href={`/projects/${projectId}/compare/${started}`}>Vote</a></Alert> : null}
      {rows.length ? (
        <div className="space-y-3" data-testid="side-by-side">
          {rows.map((r, i) => (
            <div key={i} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
              <Markdown className="mb-2 font-medium">{r.prompt}</Markdown>
              <div className="grid gap-3 sm:grid-cols-2">
                {[[a, r.a], [b, r.b]].map(([version, text]) => (
                  <div key={version} className="min-w-0">
                    <div className="text-xs text-zinc-500">{name(version)}</div>
                    {text ? <Markdown>{text}</Markdown> : <p className="text-sm text-zinc-500">(empty)</p>}
                  </div>
                ))}
              </div>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
