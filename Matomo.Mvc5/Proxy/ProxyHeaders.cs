using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Text;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// Which headers cross the tracker proxy, each way. Towards Matomo: <c>User-Agent</c>, <c>Accept-Language</c>,
    /// <c>DNT</c> / <c>X-Do-Not-Track</c> and Matomo's own cookies, nothing else. Back to the browser: an allow-list.
    /// A value holding a control character (CR, LF, NUL ...) or anything outside printable ASCII is dropped, never
    /// passed on. Knows nothing of System.Web.
    /// </summary>
    internal static class ProxyHeaders
    {
        /// <summary>The longest header value passed on either way.</summary>
        public const int MaxValueLength = 4096;

        /// <summary>
        /// Headers that come back from Matomo's tracking endpoint (and Cache-Control, as a policy; Set-Cookie only for
        /// Matomo's cookies; Content-Type is the proxy's own, pinned to the types a tracking endpoint answers with).
        /// </summary>
        private static readonly string[] ResponseAllowList =
        {
            "Expires", "Pragma", "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
        };

        /// <summary>The value of the first header named <paramref name="name"/> (case-insensitive) in <paramref name="headers"/>, or null.</summary>
        public static string Find(List<KeyValuePair<string, string>> headers, string name)
        {
            foreach (KeyValuePair<string, string> h in headers)
                if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) return h.Value;
            return null;
        }

        /// <summary>Printable ASCII and tab only, not too long: nothing a header could be split or smuggled with.</summary>
        public static bool IsSafeValue(string value)
        {
            if (value == null || value.Length > MaxValueLength) return false;
            foreach (char c in value)
                if ((c < 0x20 && c != '\t') || c > 0x7E) return false;
            return true;
        }

        /// <summary>Whether <paramref name="name"/> is one of Matomo's own cookies: <c>_pk_*</c>, <c>mtm_*</c>, or its opt-out cookies.</summary>
        public static bool IsMatomoCookie(string name) =>
            name.StartsWith("_pk_", StringComparison.Ordinal) || name.StartsWith("mtm_", StringComparison.Ordinal)
            || name == "matomo_ignore" || name == "piwik_ignore";

        /// <summary>The request headers to send to Matomo for a browser request with <paramref name="headers"/>.</summary>
        public static List<KeyValuePair<string, string>> ForUpstream(NameValueCollection headers)
        {
            var result = new List<KeyValuePair<string, string>>(5);
            void Add(string name, string value)
            {
                if (IsSafeValue(value)) result.Add(new KeyValuePair<string, string>(name, value));
            }
            Add("User-Agent", headers["User-Agent"]);
            Add("Accept-Language", headers["Accept-Language"]);
            if (DntSet(headers)) Add("DNT", "1");
            if (XDoNotTrackSet(headers)) Add("X-Do-Not-Track", "1");
            string cookies = FilterCookies(headers["Cookie"]);
            if (cookies.Length > 0) Add("Cookie", cookies);
            return result;
        }

        private static bool DntSet(NameValueCollection headers) => headers["DNT"] is string dnt && dnt.StartsWith("1", StringComparison.Ordinal);

        private static bool XDoNotTrackSet(NameValueCollection headers) => headers["X-Do-Not-Track"] == "1";

        /// <summary>Whether the request asks not to be tracked (<c>DNT: 1</c> or <c>X-Do-Not-Track: 1</c>): the headers Matomo's
        /// Do Not Track check reads, and that the proxy passes on.</summary>
        public static bool AsksNotToBeTracked(NameValueCollection headers) => DntSet(headers) || XDoNotTrackSet(headers);

        /// <summary>Whether a <c>Cookie</c> header carries Matomo's own opt-out cookie (<c>matomo_ignore</c>, <c>piwik_ignore</c>).</summary>
        public static bool CarriesMatomoOptOut(string cookieHeader)
        {
            foreach (KeyValuePair<string, string> cookie in Cookies(cookieHeader))
                if (cookie.Key == "matomo_ignore" || cookie.Key == "piwik_ignore") return true;
            return false;
        }

        /// <summary>Matomo's own cookies out of a <c>Cookie</c> header, <c>name=value</c> joined with <c>; </c>.</summary>
        public static string FilterCookies(string cookieHeader)
        {
            var sb = new StringBuilder();
            foreach (KeyValuePair<string, string> cookie in Cookies(cookieHeader))
            {
                if (!IsMatomoCookie(cookie.Key)) continue;
                if (sb.Length > 0) sb.Append("; ");
                sb.Append(cookie.Key).Append('=').Append(cookie.Value);
            }
            return sb.ToString();
        }

        /// <summary>The named cookies of a <c>Cookie</c> header, names and values trimmed.</summary>
        private static IEnumerable<KeyValuePair<string, string>> Cookies(string cookieHeader)
        {
            if (string.IsNullOrEmpty(cookieHeader)) yield break;
            foreach (string segment in cookieHeader.Split(';'))
            {
                int eq = segment.IndexOf('=');
                string name = (eq < 0 ? segment : segment.Substring(0, eq)).Trim();
                if (name.Length > 0) yield return new KeyValuePair<string, string>(name, eq < 0 ? "" : segment.Substring(eq + 1).Trim());
            }
        }

        /// <summary>
        /// The headers of Matomo's tracking response that go back to the browser: the allow-list, and Set-Cookie for
        /// Matomo's cookies only, made host-only for the site (no <c>Domain</c>) and without <c>Secure</c> on plain HTTP.
        /// Every <c>Cache-Control</c> header merges into one <see cref="CacheControlPolicy"/>, written once, where the
        /// first was; none is written when no directive in them is valid.
        /// </summary>
        public static List<KeyValuePair<string, string>> ForBrowser(IEnumerable<KeyValuePair<string, string>> upstream, bool secure)
        {
            var result = new List<KeyValuePair<string, string>>();
            List<string> cacheControl = null;
            int cacheControlAt = -1;
            foreach (KeyValuePair<string, string> h in upstream)
            {
                if (!IsSafeValue(h.Value)) continue;
                if (h.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
                {
                    string cookie = RewriteSetCookie(h.Value, secure);
                    if (cookie != null) result.Add(new KeyValuePair<string, string>("Set-Cookie", cookie));
                    continue;
                }
                if (h.Key.Equals("Cache-Control", StringComparison.OrdinalIgnoreCase))
                {
                    if (cacheControl == null)
                    {
                        cacheControl = new List<string>(1);
                        cacheControlAt = result.Count;
                    }
                    cacheControl.Add(h.Value);
                    continue;
                }
                foreach (string allowed in ResponseAllowList)
                {
                    if (!h.Key.Equals(allowed, StringComparison.OrdinalIgnoreCase)) continue;
                    result.Add(new KeyValuePair<string, string>(allowed, h.Value));
                    break;
                }
            }
            if (cacheControl != null)
            {
                CacheControlPolicy policy = CacheControlPolicy.Parse(cacheControl);
                if (!policy.IsEmpty) result.Insert(cacheControlAt, new KeyValuePair<string, string>("Cache-Control", policy.ToString()));
            }
            return result;
        }

        /// <summary>A Matomo <c>Set-Cookie</c> value for the site, or null for any other cookie.</summary>
        internal static string RewriteSetCookie(string value, bool secure)
        {
            string[] parts = value.Split(';');
            int eq = parts[0].IndexOf('=');
            if (eq <= 0 || !IsMatomoCookie(parts[0].Substring(0, eq).Trim())) return null;
            var sb = new StringBuilder(parts[0].Trim());
            for (int i = 1; i < parts.Length; i++)
            {
                string attribute = parts[i].Trim();
                string name = attribute.Split('=')[0].Trim();
                if (name.Equals("Domain", StringComparison.OrdinalIgnoreCase)) continue;
                if (!secure && name.Equals("Secure", StringComparison.OrdinalIgnoreCase)) continue;
                if (attribute.Length > 0) sb.Append("; ").Append(attribute);
            }
            return sb.ToString();
        }
    }
}
