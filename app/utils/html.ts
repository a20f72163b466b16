// Escaping for the few pages written as plain HTML strings (the stream overlay), where React does not escape.
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}
