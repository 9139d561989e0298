using System;
using System.Collections.Generic;
using System.Text;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// An <c>application/x-www-form-urlencoded</c> list (a query string or a form body) as PHP reads it for Matomo:
    /// pairs in order, each kept as its raw text, with the name PHP registers it under (<see cref="PhpParameterName"/>:
    /// what Matomo reads, whatever the spelling on the wire). Written back pair by pair: a pair whose raw text holds anything but URL-safe characters is
    /// re-encoded, so no control character, space or <c>#</c> reaches the upstream URL.
    /// </summary>
    internal sealed class FormPairs
    {
        private readonly List<Pair> _pairs = new List<Pair>();

        private struct Pair
        {
            public string Raw;
            public string Name;    // as PHP registers it
            public bool IsArray;   // PHP makes it an array (name[...]=...)
            public string Value;   // decoded
        }

        /// <summary>What PHP makes of one parameter: absent, an array, or a string (the last pair of that name wins).</summary>
        public enum State { Absent, Array, String }

        public int Count => _pairs.Count;

        private static readonly char[] Ampersand = { '&' };
        private static readonly char[] AnySeparator = { '&', ';' };

        /// <summary>The pairs of <paramref name="text"/>, separated by <c>&amp;</c> (PHP's default).</summary>
        public static FormPairs Parse(string text) => Parse(text, Ampersand);

        /// <summary>
        /// The pairs of <paramref name="text"/> as a PHP configured with <c>arg_separator.input = "&amp;;"</c> reads
        /// them (the same pairs when there is no <c>;</c>): what a parameter must be judged by, since the proxy cannot
        /// know Matomo's php.ini. Only for judging: the text sent on is parsed with <see cref="Parse(string)"/>.
        /// </summary>
        public static FormPairs ParseForJudging(string text, FormPairs parsed) =>
            string.IsNullOrEmpty(text) || text.IndexOf(';') < 0 ? parsed : Parse(text, AnySeparator);

        private static FormPairs Parse(string text, char[] separators)
        {
            var result = new FormPairs();
            if (string.IsNullOrEmpty(text)) return result;
            foreach (string raw in text.Split(separators))
            {
                if (raw.Length == 0) continue;
                int eq = raw.IndexOf('=');
                string name = PhpParameterName.Normalize(Decode(eq < 0 ? raw : raw.Substring(0, eq)), out bool isArray);
                if (name == null) continue; // PHP drops nameless pairs
                string value = eq < 0 ? "" : Decode(raw.Substring(eq + 1));
                result._pairs.Add(new Pair { Raw = raw, Name = name, IsArray = isArray, Value = value });
            }
            return result;
        }

        /// <summary>How PHP would see parameter <paramref name="name"/>, and its value when a string.</summary>
        public State Get(string name, out string value)
        {
            for (int i = _pairs.Count - 1; i >= 0; i--)
            {
                if (_pairs[i].Name != name) continue;
                value = _pairs[i].IsArray ? null : _pairs[i].Value;
                return _pairs[i].IsArray ? State.Array : State.String;
            }
            value = null;
            return State.Absent;
        }

        /// <summary>Whether parameter <paramref name="name"/> is a non-empty string, as Matomo reads string parameters.</summary>
        public bool HasNonEmptyString(string name) => Get(name, out string v) == State.String && v.Length > 0;

        public bool Has(string name) => Get(name, out _) != State.Absent;

        public void Remove(string name) => _pairs.RemoveAll(p => p.Name == name);

        /// <summary>
        /// Removes every pair that names one of <paramref name="names"/> as PHP registers it, also as one of its
        /// <c>;</c>-separated parts (a PHP reading <c>arg_separator.input = "&amp;;"</c>): such a pair goes whole.
        /// </summary>
        public void RemoveAnySpelling(ICollection<string> names) => _pairs.RemoveAll(p => NamesAny(p, names));

        /// <summary>Every name a pair registers: its own, and those of its <c>;</c>-separated parts.</summary>
        private static bool NamesAny(Pair p, ICollection<string> names)
        {
            if (names.Contains(p.Name)) return true;
            if (p.Raw.IndexOf(';') < 0) return false;
            foreach (Pair part in Parse(p.Raw, AnySeparator)._pairs)
                if (names.Contains(part.Name)) return true;
            return false;
        }

        /// <summary>Every name PHP registers for these pairs, with either separator setting.</summary>
        public HashSet<string> AllNames()
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (Pair p in _pairs)
            {
                names.Add(p.Name);
                if (p.Raw.IndexOf(';') < 0) continue;
                foreach (Pair part in Parse(p.Raw, AnySeparator)._pairs) names.Add(part.Name);
            }
            return names;
        }

        /// <summary>
        /// Appends the pairs of <paramref name="other"/> that name none of <paramref name="taken"/> (under either
        /// separator setting): PHP's <c>$_GET + $_POST</c>, in which a name the first has keeps its value.
        /// </summary>
        public void AddMissing(FormPairs other, ICollection<string> taken)
        {
            foreach (Pair p in other._pairs)
                if (!NamesAny(p, taken)) _pairs.Add(p);
        }

        public void Add(string name, string value) =>
            _pairs.Add(new Pair { Raw = Encode(name) + "=" + Encode(value), Name = name, Value = value });

        /// <summary>The pairs joined with <c>&amp;</c>.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            foreach (Pair p in _pairs)
            {
                if (sb.Length > 0) sb.Append('&');
                sb.Append(IsUrlSafe(p.Raw) ? p.Raw : ReEncode(p.Raw));
            }
            return sb.ToString();
        }

        private static string ReEncode(string raw)
        {
            int eq = raw.IndexOf('=');
            return eq < 0 ? Encode(Decode(raw)) : Encode(Decode(raw.Substring(0, eq))) + "=" + Encode(Decode(raw.Substring(eq + 1)));
        }

        /// <summary>Only unreserved characters, sub-delimiters, <c>:@/?</c> and well-formed <c>%XX</c> escapes.</summary>
        internal static bool IsUrlSafe(string raw)
        {
            for (int i = 0; i < raw.Length; i++)
            {
                char c = raw[i];
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') continue;
                if (c == '%')
                {
                    if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2])) return false;
                    i += 2;
                    continue;
                }
                if ("-._~!$'()*+,;=:@/?".IndexOf(c) < 0) return false;
            }
            return true;
        }

        private static bool IsHex(char c) => c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';

        /// <summary>Form decoding: <c>+</c> is a space, <c>%XX</c> escapes are UTF-8 bytes, a bad escape is kept as text.</summary>
        internal static string Decode(string s)
        {
            if (s.IndexOf('%') < 0 && s.IndexOf('+') < 0) return s;
            var bytes = new List<byte>(s.Length);
            var sb = new StringBuilder(s.Length);
            void Flush()
            {
                if (bytes.Count == 0) return;
                sb.Append(Encoding.UTF8.GetString(bytes.ToArray()));
                bytes.Clear();
            }
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
                {
                    bytes.Add(Convert.ToByte(s.Substring(i + 1, 2), 16));
                    i += 2;
                    continue;
                }
                Flush();
                sb.Append(c == '+' ? ' ' : c);
            }
            Flush();
            return sb.ToString();
        }

        /// <summary>Percent-encodes the UTF-8 bytes of everything but unreserved characters (a lone surrogate becomes U+FFFD).</summary>
        internal static string Encode(string s)
        {
            var sb = new StringBuilder(s.Length);
            foreach (byte b in Encoding.UTF8.GetBytes(s))
            {
                char c = (char)b;
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') sb.Append(c);
                else sb.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 15]);
            }
            return sb.ToString();
        }
    }
}
