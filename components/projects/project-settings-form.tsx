"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { TProjectSettings, TSettingsImpact, TTaskKind } from "@/lib/schemas/projects";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-button";
import { Field, Input, Label, Textarea } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";

const KINDS: { kind: TTaskKind; label: string; hint: string }[] = [
  { kind: "DEMONSTRATION", label: "Demonstration", hint: "labelers write the answer" },
  { kind: "RANKING", label: "Ranking", hint: "order K answers" },
  { kind: "PAIRWISE", label: "Pairwise", hint: "pick the better of two" },
];

export const DEFAULT_SETTINGS: TProjectSettings = {
  name: "",
  guidelines: "",
  responsesPerTask: 4,
  labelsPerItem: 1,
  taskKinds: ["DEMONSTRATION", "RANKING"],
  flags: ["harmful", "factually_wrong", "ignores_instructions", "personal_data"],
  leaseMinutes: 30,
  reviewRequired: false,
};

type TSaved = { project: TProjectSettings; impact: TSettingsImpact; saved: boolean };

/**
 * Every project setting, for the New project form (POST) and the Settings page (PATCH). Before a change is
 * saved the server is asked what it does to open tasks (dryRun); if anything, a dialog says so first.
 */
export function ProjectSettingsForm({ projectId, initial = DEFAULT_SETTINGS }: { projectId?: string; initial?: TProjectSettings }) {
  const router = useRouter();
  const { call, pending, error } = useApi();
  const [s, setS] = useState<TProjectSettings>(initial);
  const [flagsText, setFlagsText] = useState(initial.flags.join(", "));
  const [impact, setImpact] = useState<TSettingsImpact>();
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof TProjectSettings>(key: K, value: TProjectSettings[K]) => {
    setSaved(false);
    setS((prev) => ({ ...prev, [key]: value }));
  };
  const id = (field: string) => (projectId ? `settings-${field}` : field);

  // Only the fields that changed (PATCH), or all of them (POST).
  const body = () => {
    const all: TProjectSettings = { ...s, flags: flagsText.split(/[,\n]/).map((f) => f.trim()).filter(Boolean) };
    if (!projectId) return all;
    return Object.fromEntries(Object.entries(all).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(initial[k as keyof TProjectSettings])));
  };
  const save = async () => {
    setImpact(undefined);
    const r = await call<TSaved>("PATCH", `/api/v1/projects/${projectId}`, body());
    if (r?.saved) setSaved(true);
  };
  const submit = async () => {
    setSaved(false);
    if (!projectId) {
      const created = await call<{ id: string }>("POST", "/api/v1/projects", body());
      if (created) router.push(`/projects/${created.id}`);
      return;
    }
    const changes = body();
    if (!Object.keys(changes).length) return setSaved(true);
    const dry = await call<TSaved>("PATCH", `/api/v1/projects/${projectId}?dryRun=true`, changes);
    if (!dry) return;
    if (dry.impact.messages.length) setImpact(dry.impact);
    else await save();
  };

  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Name" htmlFor={id("name")}>
        <Input id={id("name")} required value={s.name} onChange={(e) => set("name", e.target.value)} />
      </Field>
      <Field label="Guidelines (markdown)" htmlFor={id("guidelines")}>
        <Textarea id={id("guidelines")} value={s.guidelines} onChange={(e) => set("guidelines", e.target.value)} />
      </Field>
      <fieldset className="space-y-1">
        <legend className="mb-1 text-sm font-medium">Task kinds</legend>
        {KINDS.map(({ kind, label, hint }) => (
          <label key={kind} className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={s.taskKinds.includes(kind)}
              onChange={(e) => set("taskKinds", e.target.checked ? KINDS.map((k) => k.kind).filter((k) => k === kind || s.taskKinds.includes(k)) : s.taskKinds.filter((k) => k !== kind))}
            />
            {label} <span className="text-xs text-zinc-500">({hint})</span>
          </label>
        ))}
      </fieldset>
      <div className="grid grid-cols-2 gap-3">
        <Field label="Answers per ranking, K (2-9)" htmlFor={id("responsesPerTask")}>
          <Input id={id("responsesPerTask")} type="number" min={2} max={9} value={s.responsesPerTask} onChange={(e) => set("responsesPerTask", e.target.valueAsNumber)} />
        </Field>
        <Field label="Labels per item" htmlFor={id("labelsPerItem")}>
          <Input id={id("labelsPerItem")} type="number" min={1} max={20} value={s.labelsPerItem} onChange={(e) => set("labelsPerItem", e.target.valueAsNumber)} />
        </Field>
        <Field label="Lease minutes" htmlFor={id("leaseMinutes")} hint="How long a claimed task stays with its labeler">
          <Input id={id("leaseMinutes")} type="number" min={1} max={1440} value={s.leaseMinutes} onChange={(e) => set("leaseMinutes", e.target.valueAsNumber)} />
        </Field>
      </div>
      <Field label="Flags labelers can set" htmlFor={id("flags")} hint="Comma-separated, e.g. harmful, factually_wrong">
        <Input id={id("flags")} value={flagsText} onChange={(e) => (setSaved(false), setFlagsText(e.target.value))} />
      </Field>
      <div className="flex items-start gap-2">
        <input id={id("reviewRequired")} type="checkbox" className="mt-1" checked={s.reviewRequired} onChange={(e) => set("reviewRequired", e.target.checked)} />
        <div>
          <Label htmlFor={id("reviewRequired")} className="mb-0">Labels need review before training</Label>
          <p className="text-xs text-zinc-500">On: new labels wait for a reviewer and only reviewed labels reach snapshots. Off: labels are accepted unreviewed.</p>
        </div>
      </div>
      <Button type="submit" disabled={pending}>{projectId ? "Save settings" : "Create project"}</Button>
      {saved ? <Alert tone="success">Settings saved.</Alert> : null}
      <ConfirmDialog
        open={impact !== undefined}
        onOpenChange={(open) => !open && setImpact(undefined)}
        busy={pending}
        title="Save these settings?"
        description={<ul className="list-disc space-y-1 pl-5" data-testid="settings-impact">{impact?.messages.map((m) => <li key={m}>{m}</li>)}</ul>}
        confirmLabel="Save anyway"
        confirmVariant="default"
        onConfirm={save}
      />
    </form>
  );
}
