"use client";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";

// Light/dark switch; the choice is kept in localStorage (read before paint by the root layout).
export function ThemeToggle() {
  const [dark, setDark] = useState(false);
  useEffect(() => setDark(document.documentElement.classList.contains("dark")), []);
  return (
    <Button
      variant="ghost"
      size="sm"
      aria-label="Toggle dark mode"
      aria-pressed={dark}
      onClick={() => {
        const now = document.documentElement.classList.toggle("dark");
        localStorage.setItem("theme", now ? "dark" : "light");
        setDark(now);
      }}
    >
      <span aria-hidden>◐</span>
      <span className="sm:hidden">Dark mode</span>
    </Button>
  );
}
