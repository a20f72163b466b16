// A script error or a React hydration error on any page (or frame in it) fails a browser test: a hydration mismatch
// makes React re-render the page and drop what a fan already typed. A 4xx answer to a form post is expected and
// logged by Chromium as a failed resource, so those lines are not errors here.
import type { Page } from "@playwright/test";

export function recordBrowserErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(message.text());
  });
  return errors;
}
