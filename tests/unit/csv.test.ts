import { describe, expect, it } from 'vitest';
import { csvField, csvRecord, istTime, rupees } from '../../server/src/http/csv.ts';

// What a spreadsheet makes of the exported files: RFC 4180 records, and no text that runs as a
// formula when the file is opened.
describe('CSV records', () => {
  it('end each record with CRLF and separate fields with commas', () => {
    expect(csvRecord(['SBIN-EQ', 'BUY', 10])).toBe('SBIN-EQ,BUY,10\r\n');
  });

  it('quote a field holding a comma, a double quote, CR or LF, doubling the quotes inside', () => {
    expect(csvField('Demo, master')).toBe('"Demo, master"');
    expect(csvField('the "big" one')).toBe('"the ""big"" one"');
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
    expect(csvField('plain text')).toBe('plain text');
  });

  it('write null as an empty field and an empty string as one too', () => {
    expect(csvRecord([null, '', 'x'])).toBe(',,x\r\n');
  });

  it("prefix a text cell that a spreadsheet would read as a formula with '", () => {
    for (const text of ['=HYPERLINK("http://x","y")', '+91 98', '-2+3', '@SUM(A1)', '\tlabel', '\rlabel']) {
      expect(csvField(text).replace(/^"/, '').startsWith("'"), JSON.stringify(text)).toBe(true);
    }
    expect(csvField('=1+2')).toBe("'=1+2");
    // Quoted after prefixing: the comma still needs quotes, the prefix sits inside them.
    expect(csvField('=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvField('\rx')).toBe(`"'\rx"`);
  });

  it('leave text that only contains those characters later alone', () => {
    expect(csvField('SBIN-EQ')).toBe('SBIN-EQ');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('{"label":"x"}')).toBe('"{""label"":""x""}"');
  });

  it('write numbers as numbers, negative ones included, never prefixed', () => {
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvField(0)).toBe('0');
    expect(csvRecord([-3, 1500])).toBe('-3,1500\r\n');
    expect(csvField(rupees(-1250))).toBe('-12.50');
    expect(() => csvField(Number.NaN)).toThrow();
  });

  it('write rupees from paise with two decimals, exactly', () => {
    expect(csvField(rupees(95490))).toBe('954.90');
    expect(csvField(rupees(5))).toBe('0.05');
    expect(csvField(rupees(0))).toBe('0.00');
    expect(csvField(rupees(-5))).toBe('-0.05');
    // 19455 paise: 194.55 * 100 is 19454.999… in floating point; the figure must not drift.
    expect(csvField(rupees(19455))).toBe('194.55');
    expect(csvField(rupees(1_000_000_000_01))).toBe('1000000000.01');
  });

  it('write times in IST as YYYY-MM-DD HH:mm:ss, across the UTC date line', () => {
    expect(istTime(new Date('2026-12-03T03:45:02.999Z'))).toBe('2026-12-03 09:15:02');
    expect(istTime(new Date('2026-12-03T18:30:00Z'))).toBe('2026-12-04 00:00:00');
    expect(istTime(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01 01:30:00');
  });
});
