using System;
using System.Collections.Generic;
using System.Globalization;

namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// The one encoder through which every value reaches the rendered script. Its output is plain ASCII and
    /// identical on .NET Framework and Mono (unlike <c>HttpUtility.JavaScriptStringEncode</c>, which on Mono
    /// leaves <c>&amp;</c>, U+2028 and U+2029 raw).
    /// </summary>
    /// <remarks>
    /// Strings become double-quoted JavaScript literals in which quotes, backslashes, control characters,
    /// <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, U+2028, U+2029, every surrogate (so lone surrogates survive any
    /// output encoding) and everything outside printable ASCII are <c>\uXXXX</c> escapes. No encoded value can
    /// therefore close the script element, open or close an HTML comment, or end a string early.
    /// </remarks>
    internal static class JavaScriptEncoder
    {
        private const string Hex = "0123456789ABCDEF";

        /// <summary>Which ASCII characters need an escape: all but printable ASCII without quotes, backslash, &lt;, &gt; and &amp;.</summary>
        private static readonly bool[] NeedsEscape = CreateEscapeTable();

        private static bool[] CreateEscapeTable()
        {
            var table = new bool[128];
            for (int c = 0; c < 128; c++)
                table[c] = c < ' ' || c > '~' || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\'';
            return table;
        }

        /// <summary>Appends <paramref name="value"/> as a JavaScript string literal, or <c>null</c>.</summary>
        public static void AppendString(CharBuffer output, string value) => AppendString(output, value, false);

        /// <summary>Appends <c>, </c> then <paramref name="value"/> as a JavaScript string literal, or <c>null</c>.</summary>
        public static void AppendArgument(CharBuffer output, string value) => AppendString(output, value, true);

        private static void AppendString(CharBuffer output, string value, bool separator)
        {
            if (value == null)
            {
                output.Append(separator ? ", null" : "null");
                return;
            }
            // Worst case: every character a six-character escape, plus separator and quotes.
            int length = value.Length;
            char[] buffer = output.Reserve(length * 6 + 4);
            int pos = output.Length;
            if (separator)
            {
                buffer[pos++] = ',';
                buffer[pos++] = ' ';
            }
            buffer[pos++] = '"';
            bool[] needsEscape = NeedsEscape;
            for (int i = 0; i < length; i++)
            {
                char c = value[i];
                if (c < 128 && !needsEscape[c])
                {
                    buffer[pos++] = c;
                    continue;
                }
                buffer[pos++] = '\\';
                switch (c)
                {
                    case '"': buffer[pos++] = '"'; break;
                    case '\\': buffer[pos++] = '\\'; break;
                    case '\n': buffer[pos++] = 'n'; break;
                    case '\r': buffer[pos++] = 'r'; break;
                    case '\t': buffer[pos++] = 't'; break;
                    default:
                        buffer[pos++] = 'u';
                        buffer[pos++] = Hex[(c >> 12) & 0xF];
                        buffer[pos++] = Hex[(c >> 8) & 0xF];
                        buffer[pos++] = Hex[(c >> 4) & 0xF];
                        buffer[pos++] = Hex[c & 0xF];
                        break;
                }
            }
            buffer[pos++] = '"';
            output.Advance(pos - output.Length);
        }

        /// <summary>
        /// Appends a JavaScript literal for a command argument: a string, a boolean, <c>null</c>, or a finite number
        /// of a primitive numeric type. Anything else is refused with the reason, and nothing is appended.
        /// </summary>
        public static bool TryAppendValue(CharBuffer output, object value, out string error)
        {
            error = null;
            switch (value)
            {
                case null: output.Append("null"); return true;
                case string s: AppendString(output, s); return true;
                case bool b: output.Append(b ? "true" : "false"); return true;
                case int i: AppendInteger(output, i); return true;
                case long _:
                case short _:
                case byte _:
                case sbyte _:
                case ushort _:
                case uint _:
                case ulong _:
                    output.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)); return true;
                case decimal m: AppendDecimal(output, m); return true;
                case float f when !float.IsNaN(f) && !float.IsInfinity(f):
                    output.Append(RoundTrip(f)); return true;
                case double d when !double.IsNaN(d) && !double.IsInfinity(d):
                    AppendDouble(output, d); return true;
                case float _:
                case double _:
                    error = "a number must be finite, but was " + Convert.ToString(value, CultureInfo.InvariantCulture);
                    return false;
                default:
                    error = "a value must be a string, a number, a boolean or null, but was a " + value.GetType().FullName;
                    return false;
            }
        }

        /// <summary>Appends a value that is known to be encodable (checked where it entered).</summary>
        /// <exception cref="ArgumentException">It is not: a defect, never dropped silently.</exception>
        public static void AppendValue(CharBuffer output, object value)
        {
            if (!TryAppendValue(output, value, out string error)) throw new ArgumentException(error, nameof(value));
        }

        /// <summary>
        /// A form of <paramref name="d"/> that every correct parser reads back as the very same double: 17 significant
        /// digits. ("R" is shorter but checks itself with the runtime's own double.Parse, which on Mono is off by one unit
        /// in the last place for some values, so the browser would get another number.)
        /// </summary>
        private static string RoundTrip(double d) => d.ToString("G17", CultureInfo.InvariantCulture);

        /// <summary>Appends an integer in invariant form without allocating.</summary>
        public static void AppendInteger(CharBuffer output, int value)
        {
            if (value < 0)
            {
                if (value == int.MinValue) { output.Append("-2147483648"); return; }
                output.Append('-');
                value = -value;
            }
            if (value < 10) { output.Append((char)('0' + value)); return; }
            int divisor = 1;
            while (value / divisor >= 10) divisor *= 10;
            for (; divisor > 0; divisor /= 10) output.Append((char)('0' + value / divisor % 10));
        }

        /// <summary>The invariant form with no exponent and no trailing zeros: 12.5, 0.07, 1000.</summary>
        private const string DecimalFormat = "0.############################";

        /// <summary>
        /// Appends a decimal as a JavaScript number: invariant digits and point whatever the current culture, no
        /// trailing zeros (12.50m is 12.5), and 0 for negative zero.
        /// </summary>
        public static void AppendDecimal(CharBuffer output, decimal value)
        {
            int[] bits = decimal.GetBits(value);
            if (bits[2] != 0 || bits[1] < 0)
            {
                // More than 63 bits of digits: rare enough for the formatter (whose custom formats are slow on Mono).
                output.Append(value == 0m ? "0" : value.ToString(DecimalFormat, CultureInfo.InvariantCulture));
                return;
            }
            long unscaled = (long)bits[1] << 32 | (uint)bits[0];
            int scale = (bits[3] >> 16) & 0xFF;
            while (scale > 0 && unscaled % 10 == 0)
            {
                unscaled /= 10;
                scale--;
            }
            bool negative = bits[3] < 0 && unscaled != 0;
            int digits = 1;
            for (long rest = unscaled / 10; rest > 0; rest /= 10) digits++;
            int length = (negative ? 1 : 0) + Math.Max(1, digits - scale) + (scale > 0 ? scale + 1 : 0);
            char[] buffer = output.Reserve(length);
            int pos = output.Length + length;
            for (int i = 0; i < scale; i++)
            {
                buffer[--pos] = (char)('0' + unscaled % 10);
                unscaled /= 10;
            }
            if (scale > 0) buffer[--pos] = '.';
            do
            {
                buffer[--pos] = (char)('0' + unscaled % 10);
                unscaled /= 10;
            } while (unscaled > 0);
            if (negative) buffer[--pos] = '-';
            output.Advance(length);
        }

        /// <summary>Appends a finite double as a JavaScript number that reads back as the same double.</summary>
        /// <exception cref="ArgumentException">It is NaN or infinite (checked where it entered: a defect).</exception>
        public static void AppendDouble(CharBuffer output, double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value)) throw new ArgumentException("a number must be finite", nameof(value));
            output.Append(RoundTrip(value));
        }

        /// <summary>Appends a JavaScript array of string literals: <c>["a", "b"]</c>.</summary>
        public static void AppendStringArray(CharBuffer output, IReadOnlyList<string> values)
        {
            output.Append('[');
            for (int i = 0; i < values.Count; i++) AppendString(output, values[i], i > 0);
            output.Append(']');
        }

        /// <summary>Returns <paramref name="value"/> as a JavaScript string literal.</summary>
        public static string EncodeString(string value)
        {
            var buffer = new CharBuffer((value?.Length ?? 4) + 8);
            AppendString(buffer, value);
            return buffer.ToString();
        }
    }
}
