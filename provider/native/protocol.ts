/**
 * What the Pulumi provider protocol adds on top of the core rules for the native provider:
 * the secret envelope (the provider accepts secrets, so secret values arrive wrapped). The
 * preview placeholder is the shared floor's (`../pulumi/unknowns`).
 */

/** The key marking a special value in the provider protocol, and the signature of a secret. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

/** A value wrapped as a secret: in the provider protocol, and as the engine stores it in a state. */
export function isSecretEnvelope(value: unknown): value is { value?: unknown } {
  return typeof value === "object" && value !== null && (value as Props)[SIG_KEY] === SECRET_SIG;
}

/** Wraps a value as a secret. */
export function secret(value: unknown): Props {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** Removes every secret envelope, deeply: the core works on plain values. */
export function reveal(value: unknown): unknown {
  if (isSecretEnvelope(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** {@link reveal} for a property map. */
export function revealProps(props: Props): Props {
  return reveal(props) as Props;
}

/** True when the value is, or holds anywhere inside, a secret. */
export function holdsSecret(value: unknown): boolean {
  if (isSecretEnvelope(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(holdsSecret);
  return false;
}

/**
 * The properties that arrived secret, wholly or in part, from any of `sources`. The provider
 * accepts secrets, so the engine does not carry an input's secretness over to the outputs: the
 * provider wraps these again in whatever it answers.
 */
export function secretKeys(...sources: (Props | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const props of sources) for (const [k, v] of Object.entries(props ?? {})) if (holdsSecret(v)) keys.add(k);
  return [...keys];
}

/** Wraps the named properties, when present, as secrets (the schema marks them secret, or they arrived secret). */
export function hide(props: Props, keys: readonly string[]): Props {
  const out = { ...props };
  for (const k of keys) if (out[k] !== undefined) out[k] = secret(reveal(out[k]));
  return out;
}
