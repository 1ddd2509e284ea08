"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Input, Select, Textarea } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";

type Msg = { role: "user" | "assistant"; content: string };

// Chat with a version. Each answer is a "generate" job in the worker; the reply appears when it is done
// (not streamed token by token yet).
export function Playground({ versions, initialVersion }: { versions: { id: string; name: string; kind: string }[]; initialVersion?: string }) {
  const [versionId, setVersion] = useState(initialVersion ?? versions[versions.length - 1]?.id ?? "");
  const [messages, setMessages] = useState<Msg[]>([]);
  const [input, setInput] = useState("");
  const [temperature, setTemperature] = useState(0.8);
  const [maxTokens, setMaxTokens] = useState(64);
  const [topP, setTopP] = useState(1);
  const [seed, setSeed] = useState(0);
  const { call, pending, error } = useApi();

  async function send(e: React.FormEvent) {
    e.preventDefault();
    if (!input.trim()) return;
    const convo: Msg[] = [...messages, { role: "user", content: input.trim() }];
    setMessages(convo);
    setInput("");
    // The API takes text prompts: earlier turns are rendered "role: content" like the snapshot's prompts.
    const prompt = convo.length === 1 ? convo[0].content : convo.map((m) => `${m.role}: ${m.content}`).join("\n\n");
    const r = await call<{ completions: string[] }>("POST", `/api/v1/models/${versionId}/generate`, { prompts: [prompt], maxTokens, temperature, topP, seed });
    if (r) setMessages([...convo, { role: "assistant", content: r.completions[0] }]);
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_16rem]">
      <div className="space-y-3">
        <div className="min-h-48 space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800" data-testid="chat">
          {messages.map((m, i) => (
            <div key={i} className={m.role === "user" ? "text-right" : ""}>
              <span className={`inline-block max-w-[80%] whitespace-pre-wrap rounded-md px-3 py-2 text-sm ${m.role === "user" ? "bg-blue-600 text-white" : "bg-zinc-100 dark:bg-zinc-800"}`}>{m.content || "(empty)"}</span>
            </div>
          ))}
          {pending ? <div className="text-sm text-zinc-500">The worker is writing…</div> : null}
        </div>
        {error ? <Alert>{error}</Alert> : null}
        <form onSubmit={send} className="flex gap-2">
          <Textarea aria-label="Message" className="min-h-10" value={input} onChange={(e) => setInput(e.target.value)} onKeyDown={(e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void send(e); }} />
          <Button type="submit" disabled={pending || !versionId}>Send</Button>
        </form>
        <Button variant="ghost" size="sm" onClick={() => setMessages([])}>Clear</Button>
      </div>
      <div className="space-y-3">
        <Field label="Version" htmlFor="pg-version">
          <Select id="pg-version" value={versionId} onChange={(e) => setVersion(e.target.value)}>
            {versions.map((v) => <option key={v.id} value={v.id}>{v.name} ({v.kind.toLowerCase()})</option>)}
          </Select>
        </Field>
        <Field label={`Temperature ${temperature}`} htmlFor="pg-temp"><input id="pg-temp" type="range" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(Number(e.target.value))} className="w-full" /></Field>
        <Field label={`Top-p ${topP}`} htmlFor="pg-topp"><input id="pg-topp" type="range" min={0.05} max={1} step={0.05} value={topP} onChange={(e) => setTopP(Number(e.target.value))} className="w-full" /></Field>
        <Field label="Max new tokens" htmlFor="pg-max"><Input id="pg-max" type="number" min={1} max={512} value={maxTokens} onChange={(e) => setMaxTokens(Number(e.target.value))} /></Field>
        <Field label="Seed" htmlFor="pg-seed"><Input id="pg-seed" type="number" min={0} value={seed} onChange={(e) => setSeed(Number(e.target.value))} /></Field>
      </div>
    </div>
  );
}
