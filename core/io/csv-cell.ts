/** A CSV field, quoted when it holds a comma, quote or newline (RFC 4180). */
export function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A number with `digits` significant digits for output files, without exponent noise and without
 * ever cutting the integer part (1234567.8 at 6 digits is 1234568, not 1.23457e+6).
 */
export function formatSignificant(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const intDigits = Math.floor(Math.log10(Math.abs(v))) + 1;
  const decimals = Math.min(20, Math.max(0, digits - intDigits));
  return String(Number(v.toFixed(decimals)));
}
