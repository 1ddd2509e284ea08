import type { Metadata, Viewport } from "next";
import "./globals.css";

export const metadata: Metadata = { title: "RLHF Studio", description: "Label, train and review language models in one loop" };
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Applies the saved theme (or the system's) before paint, so dark mode does not flash.
const themeScript = `try{var t=localStorage.getItem("theme");if(t==="dark"||(!t&&matchMedia("(prefers-color-scheme: dark)").matches))document.documentElement.classList.add("dark")}catch(e){}`;

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
