"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { STAGE_NAMES, PRESET_NAMES, type TStageName } from "@/lib/schemas/training";
import { hyperparameterFields, type THyperField } from "@/lib/schemas/hyperparameters";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Input, Select, Textarea } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";

// Launch a round: stages, preset, overrides (JSON), snapshot (or freeze the labels now), starting version,
// and each chosen stage's hyperparameters as fields built from its schema (lib/schemas/hyperparameters.ts:
// the default as the placeholder, the description as help). A field left empty keeps the default.
const STAGE_FIELDS = Object.fromEntries(STAGE_NAMES.map((s) => [s, hyperparameterFields(s).filter((f) => f.key !== "preset")])) as Record<TStageName, THyperField[]>;

/** A field's text as the schema's value: a number, true/false, or the option. */
function fieldValue(f: THyperField, text: string): unknown {
  if (f.kind === "boolean") return text === "true";
  if (f.kind === "enum") return text;
  return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
}

function HyperparameterFields({ stage, values, onChange }: { stage: TStageName; values: Record<string, string>; onChange: (key: string, text: string) => void }) {
  return (
    <details className="rounded border border-zinc-200 p-2">
      <summary className="cursor-pointer text-sm font-medium">{stage} hyperparameters</summary>
      <div className="mt-2 grid gap-3 sm:grid-cols-3">
        {STAGE_FIELDS[stage].map((f) => {
          const id = `hp-${stage}-${f.key}`;
          const value = values[f.key] ?? "";
          return (
            <Field key={f.key} label={`${stage} ${f.key}`} htmlFor={id} hint={f.description}>
              {f.kind === "boolean" || f.kind === "enum" ? (
                <Select id={id} value={value} onChange={(e) => onChange(f.key, e.target.value)}>
                  <option value="">default ({String(f.default)})</option>
                  {(f.kind === "boolean" ? ["true", "false"] : (f.options ?? [])).map((o) => <option key={o}>{o}</option>)}
                </Select>
              ) : (
                <Input id={id} inputMode="decimal" placeholder={String(f.default)} value={value} onChange={(e) => onChange(f.key, e.target.value)} />
              )}
            </Field>
          );
        })}
      </div>
    </details>
  );
}

export function LaunchRunForm({
  projectId,
  snapshots,
  versions,
}: {
  projectId: string;
  snapshots: { id: string; name: string }[];
  versions: { id: string; name: string; kind: string; status: string }[];
}) {
  const router = useRouter();
  const { call, pending, error, setError } = useApi();
  const startable = versions.filter((v) => v.kind !== "RM");
  const [stages, setStages] = useState<TStageName[]>(startable.length ? ["sft", "rm", "ppo"] : ["pretrain", "sft", "rm", "ppo"]);
  const [preset, setPreset] = useState("tiny");
  const [overrides, setOverrides] = useState('{\n  "maxSteps": 20\n}');
  const [snapshotId, setSnapshotId] = useState("");
  const [hyper, setHyper] = useState<Partial<Record<TStageName, Record<string, string>>>>({});
  const [fromVersionId, setFrom] = useState(startable.find((v) => v.status === "PRODUCTION")?.id ?? startable[startable.length - 1]?.id ?? "");

  const toggle = (s: TStageName) => setStages((cur) => (cur.includes(s) ? cur.filter((x) => x !== s) : STAGE_NAMES.filter((x) => x === s || cur.includes(x))));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    let config: unknown = {};
    try {
      config = overrides.trim() ? JSON.parse(overrides) : {};
    } catch (err) {
      setError(`Overrides are not valid JSON: ${(err as Error).message}`);
      return;
    }
    // Filled-in fields go to their stage's block (and win over the JSON's block for that stage).
    for (const s of config && typeof config === "object" && !Array.isArray(config) ? stages : []) {
      const set = Object.entries(hyper[s] ?? {}).filter(([, text]) => text !== "");
      if (!set.length) continue;
      const c = config as Record<string, unknown>;
      c[s] = { ...((c[s] as Record<string, unknown> | undefined) ?? {}), ...Object.fromEntries(set.map(([k, text]) => [k, fieldValue(STAGE_FIELDS[s].find((f) => f.key === k)!, text)])) };
    }
    const res = await call<{ id: string }>("POST", `/api/v1/projects/${projectId}/runs`, {
      stages,
      preset,
      config,
      ...(snapshotId ? { snapshotId } : { freezeLabels: true }),
      ...(fromVersionId && !(stages[0] === "pretrain") ? { fromVersionId } : {}),
    });
    if (res) router.push(`/projects/${projectId}/runs/${res.id}`);
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Launch a round">
      <fieldset>
        <legend className="mb-1 text-sm font-medium">Stages (in this order)</legend>
        <div className="flex flex-wrap gap-3">
          {STAGE_NAMES.map((s) => (
            <label key={s} className="flex items-center gap-1 text-sm">
              <input type="checkbox" name={`stage-${s}`} checked={stages.includes(s)} onChange={() => toggle(s)} /> {s}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Model size (for pretraining)" htmlFor="preset">
          <Select id="preset" value={preset} onChange={(e) => setPreset(e.target.value)}>
            {PRESET_NAMES.map((p) => <option key={p}>{p}</option>)}
          </Select>
        </Field>
        <Field label="Data" htmlFor="snapshot">
          <Select id="snapshot" value={snapshotId} onChange={(e) => setSnapshotId(e.target.value)}>
            <option value="">Freeze the current labels now</option>
            {snapshots.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </Select>
        </Field>
        <Field label="Starting version" htmlFor="from">
          <Select id="from" value={fromVersionId} onChange={(e) => setFrom(e.target.value)} disabled={stages[0] === "pretrain"}>
            <option value="">None (pretrain a new model)</option>
            {startable.map((v) => <option key={v.id} value={v.id}>{v.name} ({v.kind.toLowerCase()}, {v.status.toLowerCase()})</option>)}
          </Select>
        </Field>
      </div>
      <Field label="Overrides (JSON)" htmlFor="overrides" hint='Top-level keys apply to every stage (maxSteps, batchSize, lr, seed …); "sft": {…}, "ppo": {…} per stage; "corpus": [texts] for pretraining.'>
        <Textarea id="overrides" className="font-mono" value={overrides} onChange={(e) => setOverrides(e.target.value)} />
      </Field>
      <fieldset className="space-y-2">
        <legend className="mb-1 text-sm font-medium">Hyperparameters (empty = default)</legend>
        {stages.map((s) => (
          <HyperparameterFields key={s} stage={s} values={hyper[s] ?? {}} onChange={(k, text) => setHyper((h) => ({ ...h, [s]: { ...h[s], [k]: text } }))} />
        ))}
      </fieldset>
      {error ? <Alert>{error}</Alert> : null}
      <Button type="submit" disabled={pending || !stages.length}>{pending ? "Launching…" : "Launch round"}</Button>
    </form>
  );
}
