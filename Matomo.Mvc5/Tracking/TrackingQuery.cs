using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Matomo.Mvc5.Tracking
{
    /// <summary>
    /// Writes one Tracking API request's parameters as a query string (<c>?idsite=4&amp;rec=1&amp;...</c>), the form
    /// in which the outbox keeps and Matomo's bulk API takes a hit. Every value is percent-encoded from UTF-8 (RFC 3986
    /// unreserved characters stay), numbers are written culture-invariant, and JSON values (<c>ec_items</c>,
    /// <c>cvar</c>) through <see cref="AppendJsonString"/>: nothing is concatenated raw.
    /// </summary>
    internal sealed class TrackingQuery
    {
        private const string Hex = "0123456789ABCDEF";
        private readonly StringBuilder _text = new StringBuilder(256);
        private readonly HashSet<string> _names = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>The names written so far.</summary>
        public IReadOnlyCollection<string> Names => _names;

        /// <summary>Whether <paramref name="name"/> was written.</summary>
        public bool Has(string name) => _names.Contains(name);

        /// <summary>Adds <paramref name="name"/>=<paramref name="value"/>; a null value adds nothing. A name is written once: the first value stays.</summary>
        public TrackingQuery Add(string name, string value)
        {
            if (value == null || !_names.Add(name)) return this;
            _text.Append(_text.Length == 0 ? '?' : '&');
            Escape(_text, name);
            _text.Append('=');
            Escape(_text, value);
            return this;
        }

        /// <summary>Adds a whole number.</summary>
        public TrackingQuery Add(string name, long? value) =>
            value.HasValue ? Add(name, value.Value.ToString(CultureInfo.InvariantCulture)) : this;

        /// <summary>Adds an amount as Matomo reads numbers: invariant, a dot, no exponent, no trailing zeros.</summary>
        public TrackingQuery Add(string name, decimal? value) => value.HasValue ? Add(name, Number(value.Value)) : this;

        /// <summary>Adds a finite number (an event's value): the shortest text that reads back as the same double.</summary>
        public TrackingQuery Add(string name, double? value) => value.HasValue ? Add(name, Number(value.Value)) : this;

        /// <inheritdoc />
        public override string ToString() => _text.ToString();

        /// <summary>An amount: <c>12.5</c>, <c>0</c>, <c>1000</c> (never <c>1E+3</c> nor <c>12,50</c>).</summary>
        public static string Number(decimal value)
        {
            string text = value.ToString(CultureInfo.InvariantCulture);
            if (text.IndexOf('.') >= 0) text = text.TrimEnd('0').TrimEnd('.');
            return text == "-0" ? "0" : text;
        }

        /// <summary>A finite double, round-trip and culture-invariant, without an exponent for ordinary magnitudes.</summary>
        public static string Number(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), "must be a finite number");
            if (value == Math.Floor(value) && Math.Abs(value) < 1e15) return ((long)value).ToString(CultureInfo.InvariantCulture);
            return value.ToString("R", CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// Appends <paramref name="value"/> as a JSON string: quotes, backslashes and control characters escaped, and a
        /// lone surrogate (which PHP's <c>json_decode</c> refuses, losing the whole parameter) written as U+FFFD.
        /// </summary>
        public static void AppendJsonString(StringBuilder json, string value)
        {
            json.Append('"');
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    json.Append(c).Append(value[++i]);
                }
                else if (char.IsSurrogate(c)) json.Append('\uFFFD');
                else if (c == '"') json.Append("\\\"");
                else if (c == '\\') json.Append("\\\\");
                else if (c < ' ' || c == '\u2028' || c == '\u2029')
                    json.Append("\\u").Append(Hex[c >> 12]).Append(Hex[c >> 8 & 15]).Append(Hex[c >> 4 & 15]).Append(Hex[c & 15]);
                else json.Append(c);
            }
            json.Append('"');
        }

        /// <summary>Percent-encodes <paramref name="value"/> from UTF-8; a lone surrogate becomes U+FFFD, as any UTF-8 encoder writes it.</summary>
        private static void Escape(StringBuilder output, string value)
        {
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~')
                {
                    output.Append(c);
                    continue;
                }
                int code;
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) code = char.ConvertToUtf32(c, value[++i]);
                else if (char.IsSurrogate(c)) code = 0xFFFD;
                else code = c;
                if (code < 0x80) Byte(output, code);
                else if (code < 0x800) { Byte(output, 0xC0 | code >> 6); Byte(output, 0x80 | code & 0x3F); }
                else if (code < 0x10000) { Byte(output, 0xE0 | code >> 12); Byte(output, 0x80 | code >> 6 & 0x3F); Byte(output, 0x80 | code & 0x3F); }
                else
                {
                    Byte(output, 0xF0 | code >> 18); Byte(output, 0x80 | code >> 12 & 0x3F);
                    Byte(output, 0x80 | code >> 6 & 0x3F); Byte(output, 0x80 | code & 0x3F);
                }
            }
        }

        private static void Byte(StringBuilder output, int b) => output.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 15]);
    }
}
