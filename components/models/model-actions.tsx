"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { Alert } from "@/components/ui/card";
import { Field, Textarea } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";

// Approve / reject with a comment (reviewers), promote and roll back (admins). Reject, promote and roll
// back change what serves or what may be released: each asks first.
export function ModelActions({ versionId, projectId, kind, status, canReview, canManage }: { versionId: string; projectId: string; kind: string; status: string; canReview: boolean; canManage: boolean }) {
  const { call, pending, error } = useApi();
  const [comment, setComment] = useState("");
  const [done, setDone] = useState<string>();
  const act = async (method: string, url: string, body?: unknown, message?: string) => {
    const r = await call(method, url, body);
    if (r !== undefined || method === "POST") setDone(r ? message : undefined);
  };
  return (
    <div className="space-y-3">
      {canReview ? (
        <>
          <Field label="Review comment" htmlFor="review-comment">
            <Textarea id="review-comment" value={comment} onChange={(e) => setComment(e.target.value)} placeholder="What you checked, what you saw" />
          </Field>
          <div className="flex flex-wrap gap-2">
            <Button disabled={pending} onClick={() => act("POST", `/api/v1/models/${versionId}/review`, { decision: "approve", comment }, "Approved.")}>Approve</Button>
            <ConfirmButton
              variant="destructive"
              disabled={pending || status === "PRODUCTION"}
              title="Reject this version?"
              description="A rejected version cannot be promoted until a reviewer approves it again."
              confirmLabel="Reject"
              onConfirm={() => act("POST", `/api/v1/models/${versionId}/review`, { decision: "reject", comment }, "Rejected.")}
            >
              Reject
            </ConfirmButton>
          </div>
        </>
      ) : null}
      {canManage ? (
        <div className="flex flex-wrap gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
          <ConfirmButton
            variant="secondary"
            disabled={pending || kind !== "POLICY" || status !== "APPROVED"}
            title="Promote this version to production?"
            description="It replaces the current production version, which goes back to approved (you can roll back)."
            confirmLabel="Promote"
            onConfirm={() => act("POST", `/api/v1/models/${versionId}/promote`, undefined, "Promoted to production.")}
          >
            Promote to production
          </ConfirmButton>
          <ConfirmButton
            variant="outline"
            disabled={pending}
            title="Roll back production?"
            description="The current production version steps down and the previous one serves again."
            confirmLabel="Roll back"
            onConfirm={() => act("POST", `/api/v1/projects/${projectId}/rollback`, undefined, "Rolled back.")}
          >
            Roll back production
          </ConfirmButton>
        </div>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {done ? <Alert tone="success">{done}</Alert> : null}
    </div>
  );
}
