// Inputs hold text; these turn it into what an API input wants. Empty means "not set".

/** A whole number, null for an empty input, or NaN for text that is not one (the form then names the field). */
export function parseOptionalInt(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** A decimal number, null for an empty input, or NaN for text that is not one. */
export function parseOptionalNumber(text: string): number | null {
  const trimmed = text.trim().replace(/,/g, '');
  if (trimmed === '') return null;
  return /^-?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** The text an input shows for an optional number. */
export function numberText(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** The list a text input holds: split on commas or spaces, blanks dropped, upper-cased as brokers spell them. */
export function parseList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\s]+/)
        .map((v) => v.trim().toUpperCase())
        .filter((v) => v.length > 0),
    ),
  ];
}
