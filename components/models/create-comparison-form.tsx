"use client";
import { useState } from "react";
import type { TCreateComparisonRequest } from "@/lib/schemas/training";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Input, Select, Textarea } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";

type V = { id: string; name: string; kind: string; status: string };
type TSource = "default" | "EVAL" | "TRAIN" | "ALL" | "list";

// Starts a blind A/B comparison on prompts the reviewer chooses: a split and a count, or a list of the
// project's prompts (one per line). Says how many prompts it will run on.
export function CreateComparisonForm({ projectId, versions }: { projectId: string; versions: V[] }) {
  const lms = versions.filter((v) => v.kind !== "RM");
  const [a, setA] = useState(lms[lms.length - 2]?.id ?? lms[0]?.id ?? "");
  const [b, setB] = useState(lms[lms.length - 1]?.id ?? "");
  const [source, setSource] = useState<TSource>("default");
  const [count, setCount] = useState(20);
  const [list, setList] = useState("");
  const [started, setStarted] = useState<{ id: string; prompts: number }>();
  const { call, pending, error } = useApi();
  const lines = list.split("\n").map((l) => l.trim()).filter(Boolean);

  async function start() {
    setStarted(undefined);
    const body: TCreateComparisonRequest = { versionAId: a, versionBId: b };
    if (source === "list") body.promptTexts = lines;
    else {
      body.count = count;
      if (source !== "default") body.split = source;
    }
    const r = await call<{ id: string; prompts: number }>("POST", `/api/v1/projects/${projectId}/comparisons`, body);
    if (r) setStarted(r);
  }
  return (
    <form className="space-y-3" onSubmit={(e) => (e.preventDefault(), void start())} aria-label="New blind comparison">
      <div className="grid gap-3 sm:grid-cols-2">
        {([["First version (hidden from voters)", a, setA, "blind-a"], ["Second version (hidden from voters)", b, setB, "blind-b"]] as const).map(([label, value, set, id]) => (
          <Field key={id} label={label} htmlFor={id}>
            <Select id={id} value={value} onChange={(e) => set(e.target.value)}>
              {lms.map((v) => <option key={v.id} value={v.id}>{v.name} ({v.kind.toLowerCase()}, {v.status.toLowerCase()})</option>)}
            </Select>
          </Field>
        ))}
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Prompts" htmlFor="blind-source">
          <Select id="blind-source" value={source} onChange={(e) => setSource(e.target.value as TSource)}>
            <option value="default">Eval prompts first, then training prompts</option>
            <option value="EVAL">Eval split only</option>
            <option value="TRAIN">Training split only</option>
            <option value="ALL">All prompts</option>
            <option value="list">These prompts (one per line)</option>
          </Select>
        </Field>
        {source !== "list" ? (
          <Field label="How many prompts" htmlFor="blind-count">
            <Input id="blind-count" type="number" min={1} max={500} value={count} onChange={(e) => setCount(e.target.valueAsNumber)} />
          </Field>
        ) : null}
      </div>
      {source === "list" ? (
        <Field label="Prompt texts (one per line, as imported)" htmlFor="blind-list" hint={`${lines.length} prompt${lines.length === 1 ? "" : "s"}; each must be one of this project's prompts.`}>
          <Textarea id="blind-list" value={list} onChange={(e) => setList(e.target.value)} />
        </Field>
      ) : null}
      <Button type="submit" disabled={pending || !a || !b || a === b || (source === "list" && !lines.length)}>Start blind comparison</Button>
      {error ? <Alert>{error}</Alert> : null}
      {started ? (
        <Alert tone="success">
          Blind comparison started on {started.prompts} prompt{started.prompts === 1 ? "" : "s"}: the worker is writing both answers.{" "}
          <a className="underline" href={`/projects/${projectId}/compare/${started.id}`}>Vote</a>
        </Alert>
      ) : null}
    </form>
  );
}
