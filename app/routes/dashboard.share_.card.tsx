// A printable card with the creator's QR code, for busking spots, stages and shop counters. Printing shows the
// card alone (print styles hide the site and dashboard around it).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { creatorPageMeta } from "~/components/dashboard";
import { creatorPageUrl } from "~/models/qr-codes.server";
import { useT } from "~/utils/i18n";
import { publicOrigin } from "~/utils/public-url.server";
import { requireCreator } from "~/utils/session.server";

export const meta = creatorPageMeta("share.qr.heading");

export async function loader({ request }: LoaderFunctionArgs) {
  const { creator } = await requireCreator(request);
  return { handle: creator.handle, displayName: creator.displayName, pageUrl: creatorPageUrl(publicOrigin(request), creator.handle) };
}

export default function QrCard() {
  const { handle, displayName, pageUrl } = useLoaderData<typeof loader>();
  const translate = useT();
  return (
    <>
      <div className="qr-card" data-testid="qr-card">
        <p className="qr-card__brand">소담 Sodam</p>
        <h1 className="qr-card__title">{translate("qr.cardTitle", { name: displayName })}</h1>
        <img src={`/@${handle}/qr.svg`} alt={translate("qr.alt", { handle: `@${handle}` })} width={280} height={280} className="qr-card__code" />
        <p className="qr-card__scan">{translate("qr.cardScan")}</p>
        <p className="qr-card__scan-en" lang="en">
          {translate("qr.cardScanEn")}
        </p>
        <p className="qr-card__url">{pageUrl.replace(/^https?:\/\//, "")}</p>
      </div>
      <p className="qr-card__actions">
        {/* Without JavaScript the browser's own print menu does the same. */}
        <button type="button" className="button" onClick={() => window.print()}>
          {translate("qr.print")}
        </button>
      </p>
    </>
  );
}
