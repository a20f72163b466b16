// A creator's own website for widget tests: a tiny HTTP server on another origin (and, as "localhost" against
// Sodam's 127.0.0.1, another site) serving one HTML page.
import { createServer } from "node:http";

export async function startHostPage(html: string) {
  const server = createServer((req, res) => {
    if (req.url !== "/" && !req.url?.startsWith("/?")) return void res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://localhost:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
