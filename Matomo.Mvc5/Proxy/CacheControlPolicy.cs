using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// A <c>Cache-Control</c> value as its directives (RFC 9111), so that it crosses the proxy whole rather than as one
    /// word: <c>no-cache, no-store</c> keeps both, <c>private, max-age=60</c> keeps its max-age. Several headers merge
    /// into one policy, and where directives conflict the stricter one wins (<c>private</c> over <c>public</c>, the
    /// shorter <c>max-age</c>). Directives the proxy does not model (<c>s-maxage</c>, <c>must-revalidate</c>,
    /// <c>immutable</c> ...) are kept as they came, when they are a token with an optional token or quoted value;
    /// anything else is dropped. Knows nothing of System.Web (<c>TrackerProxyHandler</c> writes it there).
    /// </summary>
    internal sealed class CacheControlPolicy
    {
        /// <summary>The largest max-age kept, in seconds (larger ones are cut to it): what System.Web's int seconds hold.</summary>
        public const long MaxSeconds = int.MaxValue;

        private readonly List<string> _extensions = new List<string>();

        /// <summary><c>public</c> (and none of <c>private</c> or <c>no-cache</c>, which are stricter).</summary>
        public bool Public { get; private set; }

        /// <summary><c>private</c> (a field list, <c>private="Set-Cookie"</c>, counts as the whole: stricter).</summary>
        public bool Private { get; private set; }

        /// <summary><c>no-cache</c> (a field list counts as the whole).</summary>
        public bool NoCache { get; private set; }

        /// <summary><c>no-store</c>.</summary>
        public bool NoStore { get; private set; }

        /// <summary><c>no-transform</c>.</summary>
        public bool NoTransform { get; private set; }

        /// <summary><c>max-age</c>, the smallest given; null when none.</summary>
        public TimeSpan? MaxAge { get; private set; }

        /// <summary>The other directives, each as it came (<c>s-maxage=30</c>, <c>must-revalidate</c>), lower-case names, no duplicates.</summary>
        public IReadOnlyList<string> Extensions => _extensions;

        /// <summary>Whether it holds no directive at all.</summary>
        public bool IsEmpty => !Public && !Private && !NoCache && !NoStore && !NoTransform && MaxAge == null && _extensions.Count == 0;

        /// <summary>The policy of one or more <c>Cache-Control</c> values (null ones skipped), merged.</summary>
        public static CacheControlPolicy Parse(IEnumerable<string> values)
        {
            var policy = new CacheControlPolicy();
            foreach (string value in values)
                if (value != null) policy.Add(value);
            policy.Settle();
            return policy;
        }

        /// <summary>The policy of one <c>Cache-Control</c> value.</summary>
        public static CacheControlPolicy Parse(string value) => Parse(new[] { value });

        private void Add(string value)
        {
            foreach (string directive in SplitOutsideQuotes(value))
            {
                int eq = directive.IndexOf('=');
                string name = (eq < 0 ? directive : directive.Substring(0, eq)).Trim().ToLowerInvariant();
                string argument = eq < 0 ? null : directive.Substring(eq + 1).Trim();
                if (!IsToken(name) || argument != null && !IsToken(argument) && !IsQuoted(argument)) continue;
                switch (name)
                {
                    case "public": Public = true; break;
                    case "private": Private = true; break;
                    case "no-cache": NoCache = true; break;
                    case "no-store": NoStore = true; break;
                    case "no-transform": NoTransform = true; break;
                    case "max-age":
                        long seconds = DeltaSeconds(argument == null ? "" : Unquote(argument));
                        TimeSpan age = TimeSpan.FromSeconds(Math.Min(seconds, MaxSeconds));
                        if (MaxAge == null || age < MaxAge) MaxAge = age;
                        break;
                    default:
                        string kept = argument == null ? name : name + "=" + argument;
                        if (!_extensions.Contains(kept)) _extensions.Add(kept);
                        break;
                }
            }
        }

        /// <summary>Stricter directives win: no-cache over private over public.</summary>
        private void Settle()
        {
            if (NoCache || Private) Public = false;
            if (NoCache) Private = false;
        }

        /// <summary>
        /// The policy as one header value, in a fixed order: the cacheability word (<c>public</c>, <c>private</c> or
        /// <c>no-cache</c>), <c>no-store</c>, <c>max-age</c>, <c>no-transform</c>, then the other directives.
        /// </summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            void Append(string directive)
            {
                if (sb.Length > 0) sb.Append(", ");
                sb.Append(directive);
            }
            if (NoCache) Append("no-cache");
            else if (Private) Append("private");
            else if (Public) Append("public");
            if (NoStore) Append("no-store");
            if (MaxAge != null) Append("max-age=" + ((long)MaxAge.Value.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            if (NoTransform) Append("no-transform");
            foreach (string e in _extensions) Append(e);
            return sb.ToString();
        }

        /// <summary>
        /// The directives of <paramref name="value"/>: split on commas outside quoted strings; when a quote is left
        /// open, on every comma (so that a stray quote cannot hide the directives after it, <c>no-store</c> among them).
        /// </summary>
        private static IEnumerable<string> SplitOutsideQuotes(string value)
        {
            var parts = new List<string>();
            int start = 0;
            bool quoted = false;
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c == '"') quoted = !quoted;
                else if (c == '\\' && quoted) i++;
                else if (c == ',' && !quoted)
                {
                    parts.Add(value.Substring(start, i - start));
                    start = i + 1;
                }
            }
            if (quoted) return value.Split(',');
            parts.Add(value.Substring(start));
            return parts;
        }

        /// <summary>RFC 9110's token: visible ASCII but the separators.</summary>
        private static bool IsToken(string s)
        {
            if (s.Length == 0) return false;
            foreach (char c in s)
                if (c <= 0x20 || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".IndexOf(c) >= 0) return false;
            return true;
        }

        /// <summary>A quoted string of visible ASCII and spaces, with no escapes (none is needed for a cache directive).</summary>
        private static bool IsQuoted(string s)
        {
            if (s.Length < 2 || s[0] != '"' || s[s.Length - 1] != '"') return false;
            for (int i = 1; i < s.Length - 1; i++)
                if (s[i] < 0x20 || s[i] >= 0x7F || s[i] == '"' || s[i] == '\\') return false;
            return true;
        }

        /// <summary>
        /// RFC 9111's delta-seconds: digits, a value too large for a cache is its largest; anything else (none, a sign,
        /// a fraction) makes the answer stale (0): an invalid max-age never keeps an answer longer.
        /// </summary>
        private static long DeltaSeconds(string digits)
        {
            if (digits.Length == 0) return 0;
            long seconds = 0;
            foreach (char c in digits)
            {
                if (c < '0' || c > '9') return 0;
                seconds = Math.Min(MaxSeconds, seconds * 10 + (c - '0'));
            }
            return seconds;
        }

        private static string Unquote(string s) => s.Length >= 2 && s[0] == '"' ? s.Substring(1, s.Length - 2) : s;
    }
}
