// Next.js App Router route handler: `app/api/rekko/route.ts`. Runs on the Node.js and on the
// edge runtime alike (the package resolves its web entry for edge bundles).
import type { NextRequest } from "next/server";
import { rekko } from "../../../lib/rekko";

export async function POST(request: NextRequest): Promise<Response> {
  return rekko.handle(request);
}
