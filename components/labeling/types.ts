import type { TNextTaskResponse, TSubmitTaskRequest } from "@/lib/schemas/labeling";

/** What every task widget gets from the task loop. */
export type TTaskWidgetProps<TDraft> = {
  task: TNextTaskResponse;
  /** A saved draft (or the state at submission, after an undo) to start from. */
  initial?: TDraft;
  /** Called with the widget's whole state on every change; the loop saves it as a draft (debounced). */
  onDraft: (draft: TDraft) => void;
  /** Sends the label; the loop adds timeSpentMs, posts it and moves on. */
  onSubmit: (payload: TSubmitTaskRequest, draft: TDraft) => void;
  /** The loop calls this on Ctrl+Enter anywhere on the page. */
  submitRef: React.MutableRefObject<(() => void) | null>;
  submitting: boolean;
};

/** Answer labels shown to labelers: "Answer A", "Answer B", ... in the order the server sent them. */
export function answerLabel(index: number) {
  return `Answer ${String.fromCharCode(65 + index)}`;
}
