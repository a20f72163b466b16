// Options of the embeddable widgets (`/embed/:handle`, `/embed/:handle/goal`), shared by the pages and the dashboard
// that writes the snippet. Client-safe. The host page's origin comes from embed.js; messages go only to it.
export const EMBED_THEMES = ["light", "dark"] as const;
export type EmbedTheme = (typeof EMBED_THEMES)[number];
export const EMBED_POSITIONS = ["inline", "bottom-right", "bottom-left"] as const;
export type EmbedPosition = (typeof EMBED_POSITIONS)[number];

export interface EmbedOptions {
  /** Origin of the page that embeds the widget (`https://example.com`), or null when opened directly. */
  parent: string | null;
  theme: EmbedTheme;
  /** `frame` inside the host page's iframe; `popup` in a window of its own (signed-in wallet tips). */
  mode: "frame" | "popup";
}

/** An http(s) origin exactly as `location.origin` writes it, else null. */
export function parseOrigin(value: string | null): string | null {
  if (!value || value.length > 200) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    return url.origin === value ? value : null;
  } catch {
    return null;
  }
}

export function parseEmbedOptions(search: URLSearchParams): EmbedOptions {
  const theme = search.get("theme");
  return {
    parent: parseOrigin(search.get("parent")),
    theme: theme === "dark" ? "dark" : "light",
    mode: search.get("mode") === "popup" ? "popup" : "frame",
  };
}

export function embedQuery(options: Partial<EmbedOptions> & Record<string, string | null | undefined>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) {
    if (value && !(key === "theme" && value === "light") && !(key === "mode" && value === "frame")) params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Messages between the widget frame and embed.js. */
export type EmbedMessage =
  | { type: "sodam:resize"; height: number }
  | { type: "sodam:tipped"; tipId: string }
  | { type: "sodam:close" };
