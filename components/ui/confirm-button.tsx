"use client";
import * as React from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { Button, type ButtonProps } from "./button";

export type ConfirmButtonProps = Omit<ButtonProps, "onClick" | "asChild"> & {
  /** The dialog's heading, a question: "Promote this version to production?" */
  title: string;
  /** What will happen, in a sentence or two. */
  description?: React.ReactNode;
  /** The confirming button's text ("Promote"); the cancel button always says "Cancel". */
  confirmLabel: string;
  /** Style of the confirming button; destructive by default, since we ask before destructive actions. */
  confirmVariant?: ButtonProps["variant"];
  /** Runs on confirm; the dialog closes when it settles. */
  onConfirm: () => unknown;
};

// A button that asks before it acts: an accessible dialog (focus trapped, Escape and Cancel do nothing).
export function ConfirmButton({ title, description, confirmLabel, confirmVariant = "destructive", onConfirm, children, disabled, ...props }: ConfirmButtonProps) {
  const [open, setOpen] = React.useState(false);
  const [busy, setBusy] = React.useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };
  return (
    <ConfirmDialog open={open} onOpenChange={setOpen} busy={busy} title={title} description={description} confirmLabel={confirmLabel} confirmVariant={confirmVariant} onConfirm={confirm}>
      <Dialog.Trigger asChild>
        <Button disabled={disabled} {...props}>{children}</Button>
      </Dialog.Trigger>
    </ConfirmDialog>
  );
}

/** The dialog alone, opened by its owner (e.g. after asking the server what a change would do). */
export function ConfirmDialog({ open, onOpenChange, busy = false, title, description, confirmLabel, confirmVariant = "destructive", onConfirm, children }: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  busy?: boolean;
  title: string;
  description?: React.ReactNode;
  confirmLabel: string;
  confirmVariant?: ButtonProps["variant"];
  onConfirm: () => unknown;
  children?: React.ReactNode;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={(o) => !busy && onOpenChange(o)}>
      {children}
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content
          role="alertdialog"
          className="fixed left-1/2 top-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-lg border border-zinc-200 bg-white p-5 shadow-lg dark:border-zinc-800 dark:bg-zinc-900"
        >
          <Dialog.Title className="text-base font-semibold">{title}</Dialog.Title>
          {description ? (
            <Dialog.Description asChild>
              <div className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{description}</div>
            </Dialog.Description>
          ) : (
            <Dialog.Description className="sr-only">{title}</Dialog.Description>
          )}
          <div className="mt-5 flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button variant="outline" disabled={busy}>Cancel</Button>
            </Dialog.Close>
            <Button variant={confirmVariant} disabled={busy} onClick={() => void onConfirm()}>{confirmLabel}</Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
