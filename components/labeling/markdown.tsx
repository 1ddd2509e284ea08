"use client";
import { useLayoutEffect, useRef, useState } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import type { Nodes, Paragraph, Parent, Root } from "mdast";
import remarkGfm from "remark-gfm";
import rehypeHighlight from "rehype-highlight";
import { cn } from "@/lib/utils";
import "./highlight.css";

// Markdown for prompts and answers: GitHub-flavoured (tables, task lists, strikethrough), code highlighted
// by highlight.js. Labelers must see the text that is exported and trained on, so nothing in it may be
// hidden: raw HTML (elements, comments, inline or block) is shown as the literal characters, never
// rendered and never dropped, and so are link reference definitions (`[//]: # (...)`, markdown's own
// comment trick). react-markdown's default URL transform drops javascript: and other unsafe link targets.

// Where an HTML node stands for a whole block (otherwise it sits inside a paragraph, heading, cell...).
const BLOCK_PARENTS = new Set(["root", "blockquote", "listItem", "footnoteDefinition"]);

/** A paragraph showing `value` as it is written, line breaks and indentation kept (hChildren: untrimmed). */
const literalParagraph = (value: string): Paragraph => ({
  type: "paragraph",
  data: { hProperties: { className: ["whitespace-pre-wrap"] }, hChildren: [{ type: "text", value }] },
  children: [{ type: "text", value }],
});

/** remark plugin: raw HTML becomes text; a link reference definition stays (references resolve) and is shown too. */
function remarkShowHiddenSource() {
  return (tree: Root, file: { value?: unknown }) => {
    const source = typeof file.value === "string" ? file.value : "";
    const visit = (parent: Parent) => {
      parent.children = (parent.children as Nodes[]).flatMap((node): Nodes[] => {
        if (node.type === "html") {
          return [BLOCK_PARENTS.has(parent.type) ? literalParagraph(node.value) : { type: "text", value: node.value }];
        }
        if (node.type === "definition") {
          const start = node.position?.start.offset;
          const end = node.position?.end.offset;
          const text = start !== undefined && end !== undefined && source ? source.slice(start, end) : `[${node.label ?? node.identifier}]: ${node.url}${node.title ? ` "${node.title}"` : ""}`;
          return [node, literalParagraph(text)];
        }
        if ("children" in node) visit(node);
        return [node];
      }) as Parent["children"];
    };
    visit(tree);
  };
}

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
        remarkPlugins={[remarkGfm, remarkShowHiddenSource]}
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
