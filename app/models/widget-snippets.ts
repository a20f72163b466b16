// The HTML a creator pastes into their own site: the tip button script and the goal widget iframe. Client-safe.
import { escapeHtml } from "../utils/html";
import type { EmbedPosition, EmbedTheme } from "./embeds";

export function tipButtonSnippet(origin: string, handle: string, options: { theme: EmbedTheme; position: EmbedPosition; label: string }) {
  const attributes = [`src="${escapeHtml(`${origin}/embed.js`)}"`, `data-creator="${escapeHtml(handle)}"`];
  if (options.theme !== "light") attributes.push(`data-theme="${options.theme}"`);
  if (options.position !== "inline") attributes.push(`data-position="${options.position}"`);
  if (options.label) attributes.push(`data-label="${escapeHtml(options.label)}"`);
  return `<script ${attributes.join(" ")} async></script>`;
}

export function goalWidgetSnippet(origin: string, handle: string, options: { theme: EmbedTheme; title: string }) {
  const src = `${origin}/embed/${handle}/goal${options.theme === "dark" ? "?theme=dark" : ""}`;
  return `<iframe src="${escapeHtml(src)}" title="${escapeHtml(options.title)}" width="360" height="150" style="border:0;border-radius:16px" loading="lazy"></iframe>`;
}
