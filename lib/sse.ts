// Server-Sent Events reading, shared by the playground page and the tests of the streaming route.

export type TSseEvent = { event: string; data: Record<string, unknown> };

/**
 * Reads `event:`/`data:` blocks from an SSE body and calls `on` for each; stops early (cancelling the
 * stream) when `on` returns true.
 */
export async function readSseEvents(body: ReadableStream<Uint8Array>, on: (e: TSseEvent) => boolean | void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!event || !data) continue;
      if (on({ event, data: JSON.parse(data) as Record<string, unknown> })) {
        await reader.cancel();
        return;
      }
    }
  }
}
