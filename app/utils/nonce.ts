// The CSP nonce of the page being rendered, handed from entry.server to the document's <Scripts>. Client-safe: in
// the browser there is no provider and the value is undefined (browsers hide nonces from the DOM anyway).
import { createContext, useContext } from "react";

export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce() {
  return useContext(NonceContext);
}
