using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Matomo.Mvc5.Delivery
{
    /// <summary>
    /// Matomo's bulk tracking body, <c>{"requests":["?idsite=1&amp;…&amp;cdt=…&amp;cip=…", …],"token_auth":"…"}</c>:
    /// each hit's query without any <c>token_auth</c>, <c>cip</c> or <c>cdt</c> it had, then <c>cdt</c> (the time it
    /// was accepted, Unix seconds UTC) and, with a token, <c>cip</c>. The token is in the body, never in the URL.
    /// </summary>
    internal static class BulkRequest
    {
        private static readonly long UnixEpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        public static byte[] Body(IList<TrackingHit> hits, int start, int count, string tokenAuth)
        {
            var json = new StringBuilder(64 + count * 256);
            json.Append("{\"requests\":[");
            for (int i = start; i < start + count; i++)
            {
                if (i > start) json.Append(',');
                json.Append('"');
                AppendJson(json, Query(hits[i], tokenAuth != null));
                json.Append('"');
            }
            json.Append(']');
            if (tokenAuth != null)
            {
                json.Append(",\"token_auth\":\"");
                AppendJson(json, tokenAuth);
                json.Append('"');
            }
            json.Append('}');
            return Encoding.UTF8.GetBytes(json.ToString());
        }

        /// <summary>The hit's request as one bulk entry: <c>?</c>, its own parameters, <c>cdt</c>, and <c>cip</c> when <paramref name="withAddress"/>.</summary>
        public static string Query(TrackingHit hit, bool withAddress)
        {
            var q = new StringBuilder(hit.Query.Length + 48);
            q.Append('?');
            foreach (string pair in hit.Query.TrimStart('?').Split('&'))
            {
                if (pair.Length == 0 || IsAdded(pair)) continue;
                if (q.Length > 1) q.Append('&');
                q.Append(pair);
            }
            if (q.Length > 1) q.Append('&');
            q.Append("cdt=").Append(((hit.AcceptedUtcTicks - UnixEpochTicks) / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture));
            if (withAddress && !string.IsNullOrEmpty(hit.VisitorAddress)) q.Append("&cip=").Append(Uri.EscapeDataString(hit.VisitorAddress));
            return q.ToString();
        }

        /// <summary>token_auth, cip or cdt (the name decoded, any case): what the sender sets itself.</summary>
        private static bool IsAdded(string pair)
        {
            int eq = pair.IndexOf('=');
            string name = eq < 0 ? pair : pair.Substring(0, eq);
            if (name.IndexOf('%') >= 0 || name.IndexOf('+') >= 0)
            {
                try { name = Uri.UnescapeDataString(name.Replace('+', ' ')); } catch (UriFormatException) { }
            }
            name = name.Trim();
            return string.Equals(name, "token_auth", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "cip", StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "cdt", StringComparison.OrdinalIgnoreCase);
        }

        private static void AppendJson(StringBuilder json, string value)
        {
            foreach (char c in value)
            {
                if (c == '"' || c == '\\') json.Append('\\').Append(c);
                else if (c < 0x20 || c > 0x7E) json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else json.Append(c);
            }
        }
    }
}
