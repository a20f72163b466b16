// QR codes that open a creator's tip page: SVG for screens and print layouts, a large PNG for print shops and chat
// apps. Served at /@handle/qr.svg and /@handle/qr.png.
import QRCode from "qrcode";
import type { DB } from "../../db/client";
import { publicOrigin } from "../utils/public-url.server";
import { findCreatorByPageParam } from "./creator-page.server";

// Level M survives a worn or partly covered printed card (15 % of the code) and keeps the code small.
const OPTIONS = { errorCorrectionLevel: "M", margin: 2 } as const;

export function creatorPageUrl(origin: string, handle: string) {
  return `${origin}/@${handle}`;
}

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: "svg", color: { dark: "#000000", light: "#ffffff" } });
}

/** 1,024 px: sharp when printed at 5 cm (≈ 520 dpi). */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...OPTIONS, type: "png", width: 1024 });
}

export async function creatorQrResponse(db: DB, request: Request, pageParam: string | undefined, format: "svg" | "png") {
  const creator = await findCreatorByPageParam(db, pageParam);
  if (!creator) return new Response("Not Found", { status: 404 });
  const url = creatorPageUrl(publicOrigin(request), creator.handle);
  const headers = {
    "Cache-Control": "public, max-age=3600",
    "Content-Disposition": `inline; filename="sodam-${creator.handle}-qr.${format}"`,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
  };
  if (format === "svg") return new Response(await qrSvg(url), { headers: { ...headers, "Content-Type": "image/svg+xml; charset=utf-8" } });
  return new Response(new Uint8Array(await qrPng(url)), { headers: { ...headers, "Content-Type": "image/png" } });
}
