// `/@handle/qr.svg`: a QR code of the creator's tip page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { creatorQrResponse } from "~/models/qr-codes.server";
import { getDb } from "~/utils/db.server";

export const loader = ({ request, params }: LoaderFunctionArgs) => creatorQrResponse(getDb(), request, params.handle, "svg");
