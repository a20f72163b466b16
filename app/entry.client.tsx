import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

// React answers a tap or key press on a page it has not hydrated yet by hydrating it at once, synchronously. Remix's
// first render waits for the page's data stream to be decoded, and a synchronous render cannot wait: React fails
// with error #345 ("Root did not complete") and the page stays unhydrated for good (no widget messaging, no wallet
// popup, no client navigation). Until the data is there, such events stop at the window: the page is still plain
// HTML whose links and forms work by themselves, as they do without JavaScript.
const EARLY_INPUT = [
  "auxclick", "change", "click", "compositionend", "compositionstart", "contextmenu", "copy", "cut", "dblclick", "dragend",
  "dragstart", "drop", "input", "keydown", "keypress", "keyup", "mousedown", "mouseup", "paste", "pointercancel",
  "pointerdown", "pointerup", "reset", "submit", "textInput", "touchcancel", "touchend", "touchstart",
];

function keepFromReactUntilDataDecoded(event: Event) {
  if ((window as unknown as { __remixContext?: { state?: unknown } }).__remixContext?.state) {
    for (const type of EARLY_INPUT) window.removeEventListener(type, keepFromReactUntilDataDecoded, { capture: true });
    return;
  }
  event.stopPropagation();
}
for (const type of EARLY_INPUT) window.addEventListener(type, keepFromReactUntilDataDecoded, { capture: true, passive: true });

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <RemixBrowser />
    </StrictMode>,
  );
});
