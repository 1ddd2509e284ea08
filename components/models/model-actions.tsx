"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/card";
import { Field, Textarea } from "@/components/ui/input";
import { useApi } from "@/components/ui/use-api";

// Approve / reject with a comment (reviewers), promote and roll back (admins).
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
            <Button variant="destructive" disabled={pending || status === "PRODUCTION"} onClick={() => act("POST", `/api/v1/models/${versionId}/review`, { decision: "reject", comment }, "Rejected.")}>Reject</Button>
          </div>
        </>
      ) : null}
      {canManage ? (
        <div className="flex flex-wrap gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
          <Button variant="secondary" disabled={pending || kind !== "POLICY" || status !== "APPROVED"} onClick={() => act("POST", `/api/v1/models/${versionId}/promote`, undefined, "Promoted to production.")}>
            Promote to production
          </Button>
          <Button variant="outline" disabled={pending} onClick={() => act("POST", `/api/v1/projects/${projectId}/rollback`, undefined, "Rolled back.")}>Roll back production</Button>
        </div>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {done ? <Alert tone="success">{done}</Alert> : null}
    </div>
  );
}
