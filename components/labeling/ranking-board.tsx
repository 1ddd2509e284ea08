"use client";
import { useEffect, useId, useRef, useState } from "react";
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  closestCenter,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { cn } from "@/lib/utils";
import { CollapsibleMarkdown } from "./markdown";
import { dropAt, flatten, locate, moveDown, moveUp, tieWithAbove, untie, type TGroups } from "./ranking-groups";

export type TRankItem = { id: string; label: string; text: string };

export const RANKING_SHORTCUTS: [string, string][] = [
  ["↑ / ↓", "focus the previous / next answer"],
  ["Alt+↑ or K", "move the focused answer up"],
  ["Alt+↓ or J", "move the focused answer down"],
  ["T", "tie with the answer above"],
  ["U", "untie"],
  ["1 – 7", "quality score of the focused answer"],
  ["C", "the order shown is right: confirm it as it is"],
  ["Space on ⠿", "pick up / drop (then ↑ ↓), Esc cancels"],
  ["Enter", "submit (Ctrl+Enter anywhere, also in text fields)"],
];

/**
 * K answers ranked best to worst, ties allowed, by drag and drop (mouse, touch, or dnd-kit's keyboard
 * sensor on the ⠿ handle) or by shortcuts on a focused answer; every action also has a visible button.
 * Tied answers share one outlined group. Moves are announced in an aria-live region.
 */
export function RankingBoard({
  items,
  groups,
  onChange,
  onSubmit,
  onScoreKey,
  onConfirmKey,
  renderExtra,
  autoFocus,
}: {
  items: TRankItem[];
  groups: TGroups;
  onChange: (groups: TGroups) => void;
  onSubmit?: () => void;
  onScoreKey?: (id: string, score: number) => void;
  /** C on a focused answer: the labeler confirms the order as it is shown. */
  onConfirmKey?: () => void;
  renderExtra?: (item: TRankItem) => React.ReactNode;
  autoFocus?: boolean;
}) {
  const byId = new Map(items.map((i) => [i.id, i]));
  const label = (id: string) => byId.get(id)?.label ?? id;
  const [message, setMessage] = useState("");
  const [focusId, setFocusId] = useState<string | null>(autoFocus ? (flatten(groups)[0] ?? null) : null);
  const [dragging, setDragging] = useState(false);
  const refs = useRef(new Map<string, HTMLLIElement>());
  const instructionsId = useId();

  // A card that changes group is re-mounted; keep the keyboard focus on it.
  useEffect(() => {
    if (focusId) refs.current.get(focusId)?.focus({ preventScroll: false });
  }, [focusId, groups]);

  const describe = (g: TGroups, id: string) => {
    const { group } = locate(g, id);
    const tied = g[group].filter((x) => x !== id).map(label);
    return `${label(id)} is now rank ${group + 1} of ${g.length}${tied.length ? `, tied with ${tied.join(" and ")}` : ""}.`;
  };

  function apply(next: TGroups, id: string, verb?: string) {
    if (next === groups || JSON.stringify(next) === JSON.stringify(groups)) {
      setMessage(verb ? `${label(id)} cannot ${verb}.` : "");
      return;
    }
    onChange(next);
    setFocusId(id);
    setMessage(describe(next, id));
  }

  const actions = {
    up: (id: string) => apply(moveUp(groups, id), id, "move further up"),
    down: (id: string) => apply(moveDown(groups, id), id, "move further down"),
    tie: (id: string) => apply(tieWithAbove(groups, id), id, "be tied with the answer above"),
    untie: (id: string) => apply(untie(groups, id), id, "be untied: it is not tied"),
  };

  function onKeyDown(e: React.KeyboardEvent<HTMLLIElement>, id: string) {
    if (e.target !== e.currentTarget || dragging) return; // buttons and fields inside the card keep their keys
    const flat = flatten(groups);
    const at = flat.indexOf(id);
    const key = e.key;
    const handled = () => e.preventDefault();
    if ((e.altKey && key === "ArrowUp") || (!e.altKey && !e.ctrlKey && !e.metaKey && key.toLowerCase() === "k")) return handled(), actions.up(id);
    if ((e.altKey && key === "ArrowDown") || (!e.altKey && !e.ctrlKey && !e.metaKey && key.toLowerCase() === "j")) return handled(), actions.down(id);
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (key === "ArrowUp" && at > 0) return handled(), setFocusId(flat[at - 1]);
    if (key === "ArrowDown" && at < flat.length - 1) return handled(), setFocusId(flat[at + 1]);
    if (key === "Home") return handled(), setFocusId(flat[0]);
    if (key === "End") return handled(), setFocusId(flat[flat.length - 1]);
    if (key.toLowerCase() === "t") return handled(), actions.tie(id);
    if (key.toLowerCase() === "u") return handled(), actions.untie(id);
    if (key.toLowerCase() === "c" && onConfirmKey) {
      handled();
      onConfirmKey();
      setMessage("You confirmed the order as it is.");
      return;
    }
    if (/^[1-7]$/.test(key) && onScoreKey) {
      handled();
      onScoreKey(id, Number(key));
      setMessage(`${label(id)} scored ${key} of 7.`);
      return;
    }
    if (key === "Enter" && onSubmit) return handled(), onSubmit();
  }

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 150, tolerance: 6 } }),
    useSensor(KeyboardSensor, {
      coordinateGetter: sortableKeyboardCoordinates,
      // Enter is ours (submit); Space picks up and drops, Escape cancels.
      keyboardCodes: { start: ["Space"], cancel: ["Escape"], end: ["Space"] },
    }),
  );

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${label(String(active.id))}. Use the arrow keys to move it, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) => (over ? `${label(String(active.id))} is over ${label(String(over.id))}.` : `${label(String(active.id))} is not over a place.`),
    onDragEnd: ({ active, over }) => (over ? `Dropped ${label(String(active.id))} at the place of ${label(String(over.id))}.` : `Dropped ${label(String(active.id))}.`),
    onDragCancel: ({ active }) => `Moving ${label(String(active.id))} was cancelled.`,
  };

  function onDragEnd(e: DragEndEvent) {
    setDragging(false);
    if (!e.over) return;
    const id = String(e.active.id);
    apply(dropAt(groups, id, String(e.over.id)), id);
  }

  const flat = flatten(groups);
  return (
    <div>
      <p id={instructionsId} className="sr-only">
        Answers are ranked best first. Focus an answer and press Alt+Arrow Up or K to move it up, Alt+Arrow Down or J to move it down,
        T to tie it with the answer above, U to untie it, 1 to 7 to score it,{onConfirmKey ? " C to confirm the order as it is," : ""} Enter to submit.
      </p>
      <div aria-live="polite" role="status" className="sr-only" data-testid="ranking-announcer">{message}</div>
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        accessibility={{ announcements, screenReaderInstructions: { draggable: "To pick up an answer, press Space. While dragging, use the arrow keys to move it, Space to drop it, Escape to cancel." } }}
        onDragStart={() => setDragging(true)}
        onDragCancel={() => setDragging(false)}
        onDragEnd={onDragEnd}
      >
        <SortableContext items={flat} strategy={verticalListSortingStrategy}>
          <ol className="space-y-2" aria-label="Ranking, best first" data-testid="ranking">
            {groups.map((group, gi) => (
              <li
                key={group.join("|")}
                data-testid="rank-group"
                data-rank={gi + 1}
                className={cn("flex gap-2", group.length > 1 && "rounded-xl border-2 border-dashed border-amber-400 bg-amber-50/60 p-1.5 dark:border-amber-600 dark:bg-amber-950/20")}
              >
                <div className="flex w-8 shrink-0 flex-col items-center pt-3 sm:w-10">
                  <span className="flex h-7 w-7 items-center justify-center rounded-full bg-zinc-900 text-sm font-semibold text-white dark:bg-zinc-100 dark:text-zinc-900" aria-hidden>
                    {gi + 1}
                  </span>
                  {group.length > 1 ? <span className="mt-1 text-[10px] font-semibold uppercase text-amber-700 dark:text-amber-400">tie</span> : null}
                </div>
                <ul className="min-w-0 flex-1 space-y-2" aria-label={`Rank ${gi + 1}${group.length > 1 ? ` (tie of ${group.length})` : ""}`}>
                  {group.map((id, index) => {
                    const item = byId.get(id);
                    if (!item) return null;
                    return (
                      <SortableCard
                        key={id}
                        item={item}
                        rank={gi + 1}
                        total={groups.length}
                        tiedWith={group.filter((x) => x !== id).map(label)}
                        canUp={gi > 0 || group.length > 1}
                        canDown={gi < groups.length - 1 || group.length > 1}
                        canTie={gi > 0 && index === 0}
                        canUntie={group.length > 1}
                        instructionsId={instructionsId}
                        setRef={(el) => (el ? refs.current.set(id, el) : refs.current.delete(id))}
                        onFocus={() => setFocusId(id)}
                        onKeyDown={(e) => onKeyDown(e, id)}
                        onUp={() => actions.up(id)}
                        onDown={() => actions.down(id)}
                        onTie={() => actions.tie(id)}
                        onUntie={() => actions.untie(id)}
                        extra={renderExtra?.(item)}
                      />
                    );
                  })}
                </ul>
              </li>
            ))}
          </ol>
        </SortableContext>
      </DndContext>
    </div>
  );
}

function SortableCard(props: {
  item: TRankItem;
  rank: number;
  total: number;
  tiedWith: string[];
  canUp: boolean;
  canDown: boolean;
  canTie: boolean;
  canUntie: boolean;
  instructionsId: string;
  setRef: (el: HTMLLIElement | null) => void;
  onFocus: () => void;
  onKeyDown: (e: React.KeyboardEvent<HTMLLIElement>) => void;
  onUp: () => void;
  onDown: () => void;
  onTie: () => void;
  onUntie: () => void;
  extra?: React.ReactNode;
}) {
  const { item } = props;
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: item.id });
  const style = { transform: CSS.Translate.toString(transform), transition };
  const small = "inline-flex h-8 min-w-8 items-center justify-center rounded-md border border-zinc-300 px-2 text-xs font-medium hover:bg-zinc-100 disabled:opacity-40 dark:border-zinc-700 dark:hover:bg-zinc-800";
  return (
    <li
      ref={(el) => {
        setNodeRef(el);
        props.setRef(el);
      }}
      style={style}
      tabIndex={0}
      data-testid={`rank-item-${item.label.replace(/^Answer /, "")}`}
      data-response-id={item.id}
      aria-label={`${item.label}, rank ${props.rank} of ${props.total}${props.tiedWith.length ? `, tied with ${props.tiedWith.join(" and ")}` : ""}`}
      aria-describedby={props.instructionsId}
      onFocus={(e) => e.target === e.currentTarget && props.onFocus()}
      onKeyDown={props.onKeyDown}
      className={cn(
        "relative rounded-lg border border-zinc-200 bg-white p-3 shadow-sm outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:border-zinc-800 dark:bg-zinc-900",
        isDragging && "z-10 opacity-80 shadow-lg ring-2 ring-brand-500",
      )}
    >
      <div className="mb-2 flex flex-wrap items-center gap-1.5">
        <button
          type="button"
          ref={setActivatorNodeRef}
          {...attributes}
          {...listeners}
          aria-label={`Drag ${item.label}`}
          className="h-8 cursor-grab touch-none rounded-md px-1.5 text-lg leading-none text-zinc-400 hover:bg-zinc-100 active:cursor-grabbing dark:hover:bg-zinc-800"
        >
          ⠿
        </button>
        <span className="mr-auto text-sm font-semibold">{item.label}</span>
        <button type="button" className={small} onClick={props.onUp} disabled={!props.canUp} aria-label={`Move ${item.label} up`} title="Move up (Alt+↑ or K)">↑</button>
        <button type="button" className={small} onClick={props.onDown} disabled={!props.canDown} aria-label={`Move ${item.label} down`} title="Move down (Alt+↓ or J)">↓</button>
        {props.canUntie ? (
          <button type="button" className={small} onClick={props.onUntie} aria-label={`Untie ${item.label}`} title="Untie (U)">Untie</button>
        ) : (
          <button type="button" className={small} onClick={props.onTie} disabled={!props.canTie} aria-label={`Tie ${item.label} with the answer above`} title="Tie with the answer above (T)">= Tie ↑</button>
        )}
      </div>
      <CollapsibleMarkdown>{item.text}</CollapsibleMarkdown>
      {props.extra ? <div className="mt-2 border-t border-zinc-100 pt-2 dark:border-zinc-800">{props.extra}</div> : null}
    </li>
  );
}
