// The signed-in fan's spending caps: GET lists them per currency, PUT sets the daily and monthly cap of one wallet
// currency (null: no cap). A lower cap applies at once; a higher one (or none) after a 24-hour cooling-off period.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { CURRENCIES } from "~/money/currency";
import { getSpendingCaps, setSpendingCaps } from "~/money/spending-caps.server";
import { CurrencyField, handleApi, jsonResponse, methodNotAllowed, readJson, requireApiUser } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { parseIdempotencyKey, requestFingerprint, withIdempotency } from "~/utils/idempotency.server";

const CapAmount = z
  .number({ error: "must be an integer amount in minor units, or null for no cap" })
  .refine((n) => Number.isSafeInteger(n) && n > 0, "must be an integer amount in minor units, or null for no cap")
  .nullable();

const CapsBody = z.object({ currency: CurrencyField, daily: CapAmount, monthly: CapAmount }).strict();

export const loader = ({ request }: LoaderFunctionArgs) =>
  handleApi(request, async () => {
    const user = await requireApiUser(request);
    const db = getDb();
    const caps = await Promise.all(CURRENCIES.map((currency) => getSpendingCaps(db, { fanId: user.id, currency })));
    return jsonResponse(200, { caps });
  });

/** PUT: with an Idempotency-Key (optional) a retried request gets the first answer byte for byte. */
export const action = ({ request }: ActionFunctionArgs) =>
  handleApi(request, async () => {
    if (request.method !== "PUT") throw methodNotAllowed(["GET", "PUT"]);
    const user = await requireApiUser(request);
    const key = parseIdempotencyKey(request, false);
    const { data, raw } = await readJson(request, CapsBody);
    const answer = await withIdempotency(
      getDb(),
      { userId: user.id, key, fingerprint: requestFingerprint("PUT", "/api/v1/me/wallet/caps", raw) },
      async (trx) => ({ status: 200, body: await setSpendingCaps(trx, { fanId: user.id, ...data }) }),
    );
    return jsonResponse(answer.status, answer.body, answer.replayed ? { "Idempotent-Replayed": "true" } : {});
  });
