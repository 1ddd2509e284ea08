"use client";

/** A small folded table of the keyboard shortcuts of a task widget. */
export function ShortcutHelp({ shortcuts }: { shortcuts: [string, string][] }) {
  return (
    <details className="text-xs text-zinc-600 dark:text-zinc-400">
      <summary className="cursor-pointer select-none">⌨ Keyboard shortcuts</summary>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
        {shortcuts.map(([k, v]) => (
          <div key={k} className="contents">
            <dt><kbd className="rounded border border-zinc-300 px-1 font-mono dark:border-zinc-700">{k}</kbd></dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
