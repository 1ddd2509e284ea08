"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { TImportResponse } from "@/lib/schemas/labeling";
import { Button } from "@/components/ui/button";
import { Alert, Badge, Card, CardTitle } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";

/** Upload a JSONL or CSV file of prompts (and answers); shows every refused line with its number and why. */
export function ImportForm({ projectId }: { projectId: string }) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<"partial" | "all_or_nothing">("all_or_nothing");
  const [format, setFormat] = useState<"auto" | "jsonl" | "csv">("auto");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<TImportResponse & { fileName: string }>();

  async function upload(e: React.FormEvent) {
    e.preventDefault();
    if (!file) return setError("Choose a file first.");
    const fmt = format !== "auto" ? format : /\.csv$/i.test(file.name) ? "csv" : "jsonl";
    const body = new FormData();
    body.set("file", file);
    setPending(true);
    setError(undefined);
    setResult(undefined);
    try {
      const res = await fetch(`/api/v1/projects/${projectId}/import?mode=${mode}&format=${fmt}`, { method: "POST", body });
      const data = await res.json().catch(() => undefined);
      if (!res.ok) {
        const issues = (data as { issues?: { path: string; message: string }[] })?.issues;
        return setError(issues?.map((i) => `${i.path}: ${i.message}`).join("; ") ?? data?.error ?? `Import failed (${res.status})`);
      }
      setResult({ ...(data as TImportResponse), fileName: file.name });
      router.refresh();
    } finally {
      setPending(false);
    }
  }

  const rolledBack = result && result.mode === "all_or_nothing" && result.rejected.length > 0;
  return (
    <div className="space-y-6">
      <Card>
        <form className="space-y-4" onSubmit={upload}>
          <div>
            <label htmlFor="import-file" className="mb-1 block text-sm font-medium">File (JSONL or CSV)</label>
            <input
              id="import-file"
              type="file"
              accept=".jsonl,.ndjson,.json,.csv,application/x-ndjson,text/csv"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              className="block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-zinc-100 file:px-3 file:py-2 file:text-sm file:font-medium dark:file:bg-zinc-800"
            />
          </div>
          <fieldset>
            <legend className="mb-1 text-sm font-medium">When some lines are bad</legend>
            <div className="space-y-1 text-sm">
              <label className="flex items-start gap-2">
                <input type="radio" name="mode" className="mt-1" checked={mode === "all_or_nothing"} onChange={() => setMode("all_or_nothing")} />
                <span><span className="font-medium">All or nothing</span> <span className="text-zinc-500">— import nothing, list the bad lines so I can fix the file</span></span>
              </label>
              <label className="flex items-start gap-2">
                <input type="radio" name="mode" className="mt-1" checked={mode === "partial"} onChange={() => setMode("partial")} />
                <span><span className="font-medium">Import the good lines</span> <span className="text-zinc-500">— skip the bad ones and list them</span></span>
              </label>
            </div>
          </fieldset>
          <label className="block text-sm">
            <span className="mb-1 block font-medium">Format</span>
            <Select value={format} onChange={(e) => setFormat(e.target.value as typeof format)} className="w-auto" aria-label="Format">
              <option value="auto">From the file name</option>
              <option value="jsonl">JSONL</option>
              <option value="csv">CSV</option>
            </Select>
          </label>
          {error ? <Alert>{error}</Alert> : null}
          <Button type="submit" disabled={pending || !file}>{pending ? "Importing…" : "Import"}</Button>
        </form>
      </Card>

      {result ? (
        <Card data-testid="import-result">
          <CardTitle>Result for {result.fileName}</CardTitle>
          {rolledBack ? (
            <Alert className="mb-3">Nothing was imported: {result.rejected.length} line{result.rejected.length === 1 ? " is" : "s are"} bad. Fix {result.rejected.length === 1 ? "it" : "them"} and upload again, or choose “Import the good lines”.</Alert>
          ) : result.imported === 0 ? (
            <Alert tone="info" className="mb-3">Nothing new was imported: every line was {result.rejected.length ? "bad or " : ""}a duplicate of a prompt already in the project.</Alert>
          ) : (
            <Alert tone="success" className="mb-3">Import finished: {result.imported} prompt{result.imported === 1 ? "" : "s"} imported.</Alert>
          )}
          <dl className="mb-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
            <Stat label="Imported" value={result.imported} testId="import-imported" />
            <Stat label="Tasks created" value={result.tasksCreated} />
            <Stat label="Rejected" value={result.rejected.length} testId="import-rejected" />
            <Stat label="Duplicates" value={result.duplicates.length} testId="import-duplicates" />
          </dl>
          {result.rejected.length ? (
            <>
              <h3 className="mb-2 text-sm font-semibold">Rejected lines</h3>
              <Table aria-label="Rejected lines">
                <thead><tr><Th className="w-20">Line</Th><Th>Error</Th></tr></thead>
                <tbody>
                  {result.rejected.map((r) => (
                    <tr key={`${r.line}-${r.error}`} data-testid={`rejected-line-${r.line}`}><Td className="font-mono">{r.line}</Td><Td>{r.error}</Td></tr>
                  ))}
                </tbody>
              </Table>
            </>
          ) : null}
          {result.duplicates.length ? (
            <>
              <h3 className="mb-2 mt-4 text-sm font-semibold">Duplicates (not stored again)</h3>
              <Table aria-label="Duplicate lines">
                <thead><tr><Th className="w-20">Line</Th><Th>Why</Th></tr></thead>
                <tbody>
                  {result.duplicates.map((r) => (
                    <tr key={`${r.line}-${r.error}`}><Td className="font-mono">{r.line}</Td><Td><Badge tone="amber">duplicate</Badge> {r.error}</Td></tr>
                  ))}
                </tbody>
              </Table>
            </>
          ) : null}
        </Card>
      ) : null}
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <div className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums" data-testid={testId}>{value}</dd>
    </div>
  );
}
