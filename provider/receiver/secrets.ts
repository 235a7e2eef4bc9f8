// The accepted secrets: one, several (a rotation overlap), or a function giving them.

/** Accepted secrets: one, several (rotation overlap), or a function giving them per request. */
export type SecretsOption = string | readonly string[] | (() => string | readonly string[] | Promise<string | readonly string[]>);

/** The non-empty strings of a secrets value. */
export function secretList(value: unknown): string[] {
  if (typeof value === "string") return value === "" ? [] : [value];
  const out: string[] = [];
  if (Array.isArray(value)) for (const s of value) if (typeof s === "string" && s !== "") out.push(s);
  return out;
}

/** Resolves a {@link SecretsOption}; a function that throws gives none. */
export async function resolveSecrets(option: SecretsOption): Promise<string[]> {
  try {
    return secretList(typeof option === "function" ? await option() : option);
  } catch {
    return [];
  }
}
