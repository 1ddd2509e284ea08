"use client";
import { useLayoutEffect, useRef, useState } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import rehypeHighlight from "rehype-highlight";
import { cn } from "@/lib/utils";
import "./highlight.css";

// Markdown for prompts and answers: GitHub-flavoured (tables, task lists, strikethrough), code highlighted
// by highlight.js. Raw HTML in the source is never rendered (skipHtml), and react-markdown's default URL
// transform drops javascript: and other unsafe link targets, so labelers can read untrusted model output.

const components: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer nofollow" />,
  // Wide code and tables scroll inside the card instead of widening the page on a phone.
  pre: ({ node: _node, className, ...props }) => <pre className={cn("overflow-x-auto", className)} {...props} />,
  table: ({ node: _node, ...props }) => (
    <div className="overflow-x-auto">
      <table {...props} />
    </div>
  ),
  img: ({ node: _node, alt }) => <span className="text-zinc-500">[image: {alt || "no description"}]</span>,
};

export function Markdown({ children, className }: { children: string; className?: string }) {
  return (
    <div className={cn("md-body break-words text-sm leading-relaxed", className)}>
      <ReactMarkdown
        skipHtml
        remarkPlugins={[remarkGfm]}
        rehypePlugins={[[rehypeHighlight, { detect: true }]]}
        components={components}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}

/** Markdown that collapses past `maxHeight` pixels with a "Show more" button (long answers, phones). */
export function CollapsibleMarkdown({ children, maxHeight = 320, className, label = "answer" }: { children: string; maxHeight?: number; className?: string; label?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  const [open, setOpen] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setOverflows(el.scrollHeight > maxHeight + 40);
    check();
    const ro = new ResizeObserver(check);
    ro.observe(el);
    return () => ro.disconnect();
  }, [children, maxHeight]);
  const collapsed = overflows && !open;
  return (
    <div className={className}>
      <div
        ref={ref}
        className={cn("relative", collapsed && "overflow-hidden")}
        style={collapsed ? { maxHeight } : undefined}
      >
        <Markdown>{children}</Markdown>
        {collapsed ? (
          <div className="pointer-events-none absolute inset-x-0 bottom-0 h-12 bg-gradient-to-t from-white dark:from-zinc-900" />
        ) : null}
      </div>
      {overflows ? (
        <button
          type="button"
          className="mt-1 text-xs font-medium text-brand-600 hover:underline dark:text-brand-500"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? `Show less of this ${label}` : `Show more of this ${label}`}
        </button>
      ) : null}
    </div>
  );
}
