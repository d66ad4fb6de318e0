// A multiplier's factor is stored as numeric(14, 6) and arrives as a decimal string. It is
// applied as an exact rational so 0.57 on 100 is 57: in floats 0.57 * 100 is 56.99999999999999.
import { badInput } from '../errors.ts';

/** value = numerator / 10^scale, with trailing zeros stripped ("1.000000" is 1 / 10^0). */
export interface DecimalFactor {
  numerator: bigint;
  scale: number;
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** Throws BAD_USER_INPUT on anything but a plain decimal ("2.5", "-1", ".5", "1.000000"). */
export function parseDecimalFactor(text: string): DecimalFactor {
  const match = DECIMAL.exec(text.trim());
  const whole = match?.[2] ?? '';
  let fraction = match?.[3] ?? '';
  if (!match || (whole === '' && fraction === '')) {
    throw badInput('factor', `factor "${text}" is not a decimal number such as 2.5 or -1`);
  }
  fraction = fraction.replace(/0+$/, '');
  const magnitude = BigInt(`${whole || '0'}${fraction}`);
  return { numerator: match[1] === '-' ? -magnitude : magnitude, scale: fraction.length };
}

/**
 * The factor applied to a master quantity: the magnitude floored to a whole number, and
 * whether the copy is reversed (a negative factor turns BUY into SELL and back).
 */
export function applyFactor(quantity: number, factor: string): { quantity: number; reverse: boolean } {
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    throw new RangeError(`quantity must be a whole number of at least 0, got ${quantity}`);
  }
  const { numerator, scale } = parseDecimalFactor(factor);
  const magnitude = numerator < 0n ? -numerator : numerator;
  // bigint division truncates, which is floor for the non-negative operands here.
  const scaled = (BigInt(quantity) * magnitude) / 10n ** BigInt(scale);
  if (scaled > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`factor ${factor} on ${quantity} is beyond any quantity an exchange takes`);
  }
  return { quantity: Number(scaled), reverse: numerator < 0n };
}
