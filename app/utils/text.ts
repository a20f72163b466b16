// What text people may type: no NUL (Postgres refuses it) and no other control characters nobody means to send.
// Tabs and line breaks are fine in messages and bios, not in one-line fields such as names.

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f]/;

export function hasControlCharacters(text: string, options: { singleLine?: boolean } = {}) {
  return (options.singleLine ? CONTROL_OR_BREAK : CONTROL).test(text);
}
