// Rules of the widgets and the overlay that need no server: embed.js stays small, the overlay's filters, the
// host-origin check and the snippet a creator pastes.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseEmbedOptions, parseOrigin } from "../../app/models/embeds";
import { containsBlockedWord, parseBlockedWords, toOverlayAlert } from "../../app/models/overlays.server";
import { goalWidgetSnippet, tipButtonSnippet } from "../../app/models/widget-snippets";

describe("embed.js", () => {
  it("is at most 3 KB gzipped", () => {
    const gzipped = gzipSync(readFileSync("public/embed.js"), { level: 9 }).length;
    console.log(`embed.js: ${gzipped} bytes gzipped`);
    expect(gzipped).toBeLessThanOrEqual(3 * 1024);
  });
});

describe("overlay alerts", () => {
  const tip = { id: 7, tipId: "t", creatorId: 1, amount: 5_000, currency: "KRW", supporterName: "하늘", message: "정말 좋아요", createdAt: "2026-11-30T00:00:00.000Z" };

  it("shows a tip at or above the minimum and hides one below it", () => {
    expect(toOverlayAlert(tip, { minAmount: 5_000, blockedWords: [] }, "ko-KR")).toMatchObject({ id: 7, display: "₩5,000", message: "정말 좋아요" });
    expect(toOverlayAlert(tip, { minAmount: 5_001, blockedWords: [] }, "ko-KR")).toBeNull();
  });

  it("hides the message, not the tip, when it contains a blocked word in any case", () => {
    expect(toOverlayAlert({ ...tip, message: "SPAM here" }, { minAmount: 0, blockedWords: ["spam"] }, "ko-KR")).toMatchObject({ message: null, supporter: "하늘" });
    expect(containsBlockedWord("이건 광고예요", ["광고"])).toBe(true);
    expect(containsBlockedWord("좋은 노래", ["광고"])).toBe(false);
  });

  it("always shows a test alert, without an id", () => {
    const test = { test: true as const, supporterName: "소담", amount: 1_000, currency: "KRW", message: "hi" };
    expect(toOverlayAlert(test, { minAmount: 1_000_000, blockedWords: [] }, "en-US")).toMatchObject({ id: null, test: true, display: "₩1,000" });
  });

  it("reads blocked words one per line or comma separated, and refuses too many or too long", () => {
    expect(parseBlockedWords(" 스팸 ,광고\n\nspam\n스팸")).toEqual({ words: ["스팸", "광고", "spam"] });
    expect(parseBlockedWords(Array.from({ length: 51 }, (_, i) => `w${i}`).join("\n"))).toEqual({ error: "tooMany" });
    expect(parseBlockedWords("x".repeat(41))).toEqual({ error: "tooLong" });
    expect(parseBlockedWords("a\u0000b")).toEqual({ error: "invalid" });
  });
});

describe("widget options", () => {
  it("takes only an exact http(s) origin as the host page", () => {
    expect(parseOrigin("https://example.com")).toBe("https://example.com");
    expect(parseOrigin("http://localhost:8080")).toBe("http://localhost:8080");
    for (const bad of ["https://example.com/", "javascript:alert(1)", "*", "null", "https://example.com/path", "", null]) expect(parseOrigin(bad)).toBeNull();
    expect(parseEmbedOptions(new URLSearchParams("parent=https%3A%2F%2Fa.example&theme=dark&mode=popup"))).toEqual({ parent: "https://a.example", theme: "dark", mode: "popup" });
    expect(parseEmbedOptions(new URLSearchParams("theme=<x>&mode=evil"))).toEqual({ parent: null, theme: "light", mode: "frame" });
  });

  it("escapes the creator's button text in the snippet", () => {
    expect(tipButtonSnippet("https://sodam.example", "haneul", { theme: "light", position: "inline", label: `"><script>` })).toBe(
      `<script src="https://sodam.example/embed.js" data-creator="haneul" data-label="&quot;&gt;&lt;script&gt;" async></script>`,
    );
    expect(goalWidgetSnippet("https://sodam.example", "haneul", { theme: "dark", title: "목표" })).toContain(`src="https://sodam.example/embed/haneul/goal?theme=dark"`);
  });
});
