/**
 * The gRPC status of a failed provider call, from the core error codes in one place, so the
 * engine (and anything reading its logs) learns what happened: bad input, a webhook not found,
 * a key that does not match the state, an API that could not be reached.
 */
import type { status as GrpcStatus } from "@grpc/grpc-js";
import { RekkoError, type RekkoErrorCode, RekkoQuotaError } from "../core/errors";
import { RekkoProtocolError } from "./provider";
import { grpc } from "./sdk";

const S = grpc.status;

/** Each stable error code's gRPC status. */
const STATUS_OF_CODE: Readonly<Record<RekkoErrorCode, GrpcStatus>> = {
  ERR_REKKO_CONFIG: S.INVALID_ARGUMENT,
  ERR_REKKO_VALIDATION: S.INVALID_ARGUMENT,
  ERR_REKKO_AUTH: S.UNAUTHENTICATED,
  ERR_REKKO_PLAN: S.PERMISSION_DENIED,
  ERR_REKKO_NOT_FOUND: S.NOT_FOUND,
  ERR_REKKO_CONFLICT: S.FAILED_PRECONDITION,
  ERR_REKKO_KEY_MISMATCH: S.FAILED_PRECONDITION,
  ERR_REKKO_RATE_LIMIT: S.UNAVAILABLE,
  ERR_REKKO_SERVER: S.UNAVAILABLE,
  ERR_REKKO_NETWORK: S.UNAVAILABLE,
  ERR_REKKO_RESPONSE: S.UNKNOWN,
  ERR_REKKO_CANCELLED: S.CANCELLED,
};

/** The gRPC status for an error thrown by a provider method. */
export function grpcStatusOf(err: unknown): GrpcStatus {
  // A spent monthly quota is a plan error (403's class) whose retry date is known.
  if (err instanceof RekkoQuotaError) return S.RESOURCE_EXHAUSTED;
  if (err instanceof RekkoError) return STATUS_OF_CODE[err.code];
  if (err instanceof RekkoProtocolError) return S.INVALID_ARGUMENT;
  return S.UNKNOWN;
}
