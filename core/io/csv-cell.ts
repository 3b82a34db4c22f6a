/**
 * A text cell for an output CSV: quoted when it holds a comma, quote or line break, and prefixed with
 * ' when a spreadsheet would run it as a formula (it starts with = + - @, a tab or a carriage return
 * and is not a plain number), the OWASP rule for CSV injection: ids from an input file reach the
 * user's spreadsheet.
 */
export function csvCell(s: string): string {
  return csvQuoted(/^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s) ? `'${s}` : s);
}

/** A cell as RFC 4180 writes it, the text unchanged: quoted when it holds a comma, quote or line break. */
export function csvQuoted(s: string): string {
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
