"use client";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Input, Select, Textarea } from "@/components/ui/input";
import { readSseEvents } from "@/lib/sse";

type Msg = { role: "user" | "assistant"; content: string; stopped?: boolean; promptTokensDropped?: number };

/** Reads a Server-Sent Events body: calls `on` for each `event:`/`data:` block. */
function readEvents(body: ReadableStream<Uint8Array>, on: (event: string, data: Record<string, unknown>) => void) {
  return readSseEvents(body, (e) => void on(e.event, e.data));
}

// Chat with a version. Each answer is a streaming "generate" job in the worker: the page POSTs the whole
// conversation (the chat template renders earlier turns) to /generate/stream and shows the text as it
// grows; Stop closes the stream, which stops the worker at its next token.
export function Playground({ versions, initialVersion }: { versions: { id: string; name: string; kind: string }[]; initialVersion?: string }) {
  const [versionId, setVersion] = useState(initialVersion ?? versions[versions.length - 1]?.id ?? "");
  const [messages, setMessages] = useState<Msg[]>([]);
  const [partial, setPartial] = useState<string>();
  const [input, setInput] = useState("");
  const [temperature, setTemperature] = useState(0.8);
  const [topK, setTopK] = useState(0);
  const [topP, setTopP] = useState(1);
  const [maxTokens, setMaxTokens] = useState(64);
  const [seed, setSeed] = useState(0);
  const [error, setError] = useState<string>();
  const abort = useRef<AbortController | null>(null);
  const streaming = partial !== undefined;

  async function send(e: React.FormEvent) {
    e.preventDefault();
    if (!input.trim() || streaming) return;
    const convo: Msg[] = [...messages, { role: "user", content: input.trim() }];
    setMessages(convo);
    setInput("");
    setError(undefined);
    setPartial("");
    const controller = new AbortController();
    abort.current = controller;
    let text = "";
    let stopped = false;
    let promptTokensDropped = 0;
    try {
      const res = await fetch(`/api/v1/models/${versionId}/generate/stream`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messages: convo.map(({ role, content }) => ({ role, content })), maxTokens, temperature, topK, topP, seed }),
        signal: controller.signal,
      });
      if (!res.ok || !res.body) {
        const data = (await res.json().catch(() => undefined)) as { error?: string; issues?: { path: string; message: string }[] } | undefined;
        throw new Error(data?.issues?.map((i) => `${i.path}: ${i.message}`).join("; ") ?? data?.error ?? `Request failed (${res.status})`);
      }
      await readEvents(res.body, (event, data) => {
        if (event === "token" || event === "done") {
          text = String(data.text ?? "");
          setPartial(text);
          if (data.stopped) stopped = true;
          if (typeof data.promptTokensDropped === "number") promptTokensDropped = data.promptTokensDropped;
        } else if (event === "error") throw new Error(String(data.message));
      });
    } catch (err) {
      if (controller.signal.aborted) stopped = true;
      else setError((err as Error).message);
    } finally {
      abort.current = null;
      setPartial(undefined);
      if (text || stopped) setMessages([...convo, { role: "assistant", content: text, stopped, promptTokensDropped }]);
    }
  }

  const shown: Msg[] = streaming ? [...messages, { role: "assistant", content: partial }] : messages;
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_16rem]">
      <div className="space-y-3">
        <div className="min-h-48 space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800" data-testid="chat" aria-live="polite">
          {shown.map((m, i) => (
            <div key={i} className={m.role === "user" ? "text-right" : ""} data-role={m.role}>
              <span className={`inline-block max-w-[80%] whitespace-pre-wrap rounded-md px-3 py-2 text-sm ${m.role === "user" ? "bg-blue-600 text-white" : "bg-zinc-100 dark:bg-zinc-800"}`}>
                {m.content || (streaming && i === shown.length - 1 ? "…" : "(empty)")}
                {m.stopped ? <span className="ml-1 text-xs text-zinc-500">(stopped)</span> : null}
                {m.promptTokensDropped ? <span className="ml-1 text-xs text-zinc-500" data-testid="prompt-cut">(the conversation is longer than the model reads: its first {m.promptTokensDropped} tokens were left out)</span> : null}
              </span>
            </div>
          ))}
          {streaming ? <div className="text-sm text-zinc-500" data-testid="streaming">The worker is writing…</div> : null}
        </div>
        {error ? <Alert>{error}</Alert> : null}
        <form onSubmit={send} className="flex gap-2">
          <Textarea aria-label="Message" className="min-h-10" value={input} onChange={(e) => setInput(e.target.value)} onKeyDown={(e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void send(e); }} />
          {streaming ? (
            <Button type="button" variant="destructive" onClick={() => abort.current?.abort()}>Stop</Button>
          ) : (
            <Button type="submit" disabled={!versionId || !input.trim()}>Send</Button>
          )}
        </form>
        <Button variant="ghost" size="sm" disabled={streaming} onClick={() => setMessages([])}>Clear</Button>
      </div>
      <div className="space-y-3">
        <Field label="Version" htmlFor="pg-version">
          <Select id="pg-version" value={versionId} onChange={(e) => setVersion(e.target.value)}>
            {versions.map((v) => <option key={v.id} value={v.id}>{v.name} ({v.kind.toLowerCase()})</option>)}
          </Select>
        </Field>
        <Field label={`Temperature ${temperature}`} htmlFor="pg-temp"><input id="pg-temp" type="range" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(Number(e.target.value))} className="w-full" /></Field>
        <Field label="Top-k (0 = off)" htmlFor="pg-topk"><Input id="pg-topk" type="number" min={0} max={1000} value={topK} onChange={(e) => setTopK(Number(e.target.value))} /></Field>
        <Field label={`Top-p ${topP}`} htmlFor="pg-topp"><input id="pg-topp" type="range" min={0.05} max={1} step={0.05} value={topP} onChange={(e) => setTopP(Number(e.target.value))} className="w-full" /></Field>
        <Field label="Max new tokens" htmlFor="pg-max"><Input id="pg-max" type="number" min={1} max={512} value={maxTokens} onChange={(e) => setMaxTokens(Number(e.target.value))} /></Field>
        <Field label="Seed" htmlFor="pg-seed"><Input id="pg-seed" type="number" min={0} value={seed} onChange={(e) => setSeed(Number(e.target.value))} /></Field>
      </div>
    </div>
  );
}
