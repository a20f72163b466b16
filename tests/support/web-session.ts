// The web pages as a browser without JavaScript uses them: plain form posts and a session cookie, for tests that
// need a signed-in page (the admin queue, the authorization matrix) without starting Chromium.

export interface PageAnswer {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
}

/** A cookie jar of one: Sodam's session cookie (and the sign-in challenge cookie, while one is pending). */
export function webSession(baseUrl: string) {
  const jar = new Map<string, string>();

  function remember(headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || /max-age=0/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
  }

  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

  async function request(method: string, path: string, options: { form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<PageAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (jar.size) headers.Cookie = cookie();
    let body: string | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: "manual" });
    remember(response.headers);
    return { status: response.status, location: response.headers.get("Location"), text: await response.text(), headers: response.headers };
  }

  /** Signs in with the page's form; returns the answer (a redirect when it worked, or to the code step). */
  async function signIn(email: string, password: string, redirectTo = "/") {
    return request("POST", "/login", { form: { email, password, redirectTo } });
  }

  return {
    get: (path: string, headers?: Record<string, string>) => request("GET", path, { headers }),
    post: (path: string, form: Record<string, string>, headers?: Record<string, string>) => request("POST", path, { form, headers }),
    request,
    signIn,
    cookie,
    hasSession: () => jar.has("sodam_session"),
  };
}
