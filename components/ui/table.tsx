import * as React from "react";
import { cn } from "@/lib/utils";

// A table that scrolls sideways on a phone instead of breaking the layout.
export function Table({ className, ...props }: React.TableHTMLAttributes<HTMLTableElement>) {
  return (
    <div className="w-full overflow-x-auto">
      <table className={cn("w-full border-collapse text-sm", className)} {...props} />
    </div>
  );
}
export function Th({ className, ...props }: React.ThHTMLAttributes<HTMLTableCellElement>) {
  return <th className={cn("border-b border-zinc-200 px-3 py-2 text-left font-medium text-zinc-500 dark:border-zinc-800", className)} {...props} />;
}
export function Td({ className, ...props }: React.TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cn("border-b border-zinc-100 px-3 py-2 align-top dark:border-zinc-800/60", className)} {...props} />;
}
