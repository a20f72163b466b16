// `/@handle/qr.png`: the tip page's QR code as a large PNG.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { creatorQrResponse } from "~/models/qr-codes.server";
import { getDb } from "~/utils/db.server";

export const loader = ({ request, params }: LoaderFunctionArgs) => creatorQrResponse(getDb(), request, params.handle, "png");
