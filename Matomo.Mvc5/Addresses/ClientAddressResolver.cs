using System;
using Matomo.Mvc5.Text;

namespace Matomo.Mvc5.Addresses
{
    /// <summary>
    /// Finds the client address of a request the way Rails' RemoteIp and ASP.NET Core's ForwardedHeaders do:
    /// forwarding headers are believed only when the peer is a trusted proxy, and are walked from the right (the
    /// hop the trusted proxy itself added) to the left, skipping trusted proxies; the first untrusted address is
    /// the client. A client that sends its own <c>X-Forwarded-For</c> straight to the site is not believed.
    /// </summary>
    /// <remarks>
    /// Never throws on header content. An entry that is not an address (<c>unknown</c>, an obfuscated
    /// <c>_hidden</c> identifier, garbage) breaks the chain: what stands left of it was not vouched for by a
    /// trusted proxy, so the client is unknown (<c>null</c>) rather than whatever the left part claims. Empty items
    /// are skipped. At most <see cref="MaxHops"/> entries are examined, so the work is bounded whatever the
    /// header's length; a chain longer than that yields an unknown client.
    /// </remarks>
    public static class ClientAddressResolver
    {
        /// <summary>The most forwarding entries examined for one request.</summary>
        public const int MaxHops = 32;

        /// <summary>
        /// Resolves the client address, or returns <c>null</c> when it cannot be known.
        /// </summary>
        /// <param name="remoteAddress">The peer address (<c>REMOTE_ADDR</c>), possibly with a port.</param>
        /// <param name="xForwardedFor">The <c>X-Forwarded-For</c> header, all lines comma-joined, or null.</param>
        /// <param name="forwarded">The RFC 7239 <c>Forwarded</c> header, or null.</param>
        /// <param name="trustedProxies">The proxies whose forwarding headers are believed.</param>
        /// <param name="headerKind">Which header to read.</param>
        public static System.Net.IPAddress Resolve(string remoteAddress, string xForwardedFor, string forwarded,
            IpRangeList trustedProxies, ForwardedHeaderKind headerKind = ForwardedHeaderKind.Auto)
        {
            return TryResolve(remoteAddress, xForwardedFor, forwarded, trustedProxies, headerKind, out var value)
                ? value.ToIPAddress() : null;
        }

        internal static bool TryResolve(string remoteAddress, string xForwardedFor, string forwarded,
            IpRangeList trustedProxies, ForwardedHeaderKind headerKind, out IpAddressValue client)
        {
            if (trustedProxies == null) throw new ArgumentNullException(nameof(trustedProxies));
            client = default;
            if (remoteAddress == null || !TryParseHop(remoteAddress, 0, remoteAddress.Length, out client)) return false;
            if (!trustedProxies.Contains(client)) return true;

            bool useXff = headerKind == ForwardedHeaderKind.XForwardedFor
                          || headerKind == ForwardedHeaderKind.Auto && !string.IsNullOrEmpty(xForwardedFor);
            string header = useXff ? xForwardedFor : forwarded;
            if (string.IsNullOrEmpty(header)) return true; // A trusted peer that forwarded nothing: the peer is the client.

            int end = header.Length, hops = 0;
            while (end > 0)
            {
                int comma = LastSeparator(header, end, useXff);
                int start = comma + 1;
                if (!TrimmedIsEmpty(header, start, end))
                {
                    if (++hops > MaxHops) return false;
                    bool ok = useXff ? TryParseHop(header, start, end - start, out var hop)
                                     : TryParseForwardedElement(header, start, end - start, out hop);
                    if (!ok) return false;
                    client = hop;
                    if (!trustedProxies.Contains(hop)) return true;
                }
                end = comma;
            }
            return true; // Every hop was a trusted address: the leftmost one is the client.
        }

        /// <summary>The index of the last element separator before <paramref name="end"/>, or -1.</summary>
        private static int LastSeparator(string s, int end, bool xff)
        {
            if (xff) return end == 0 ? -1 : s.LastIndexOf(',', end - 1);
            // Forwarded: commas inside quoted strings do not separate elements.
            bool quoted = false;
            for (int i = end - 1; i >= 0; i--)
            {
                char c = s[i];
                if (c == '"' && (i == 0 || s[i - 1] != '\\')) quoted = !quoted;
                else if (c == ',' && !quoted) return i;
            }
            return -1;
        }

        private static bool TrimmedIsEmpty(string s, int start, int end)
        {
            for (int i = start; i < end; i++) if (!IsWhite(s[i])) return false;
            return true;
        }

        private static bool IsWhite(char c) => c == ' ' || c == '\t' || c == '\r' || c == '\n';

        /// <summary>
        /// Parses one hop: an address with optional port, <c>1.2.3.4:5</c>, <c>[v6]</c>, <c>[v6]:5</c> or bare IPv6,
        /// optionally surrounded by white space.
        /// </summary>
        internal static bool TryParseHop(string s, int start, int length, out IpAddressValue value)
        {
            value = default;
            int end = start + length;
            while (start < end && IsWhite(s[start])) start++;
            while (end > start && IsWhite(s[end - 1])) end--;
            if (start >= end) return false;
            if (s[start] == '[')
            {
                int close = s.IndexOf(']', start, end - start);
                // Brackets are for IPv6 only (RFC 3986): "[10.0.0.1]" is not an address.
                if (close < 0 || !IsPortOrNothing(s, close + 1, end)) return false;
                int inner = start + 1, innerLength = close - inner;
                return innerLength > 0 && s.IndexOf(':', inner, innerLength) >= 0
                       && IpAddressValue.TryParse(s, inner, innerLength, out value);
            }
            int colon = s.IndexOf(':', start, end - start);
            if (colon >= 0 && s.IndexOf(':', colon + 1, end - colon - 1) < 0)
            {
                // Exactly one colon: IPv4 with a port.
                if (!IsPortOrNothing(s, colon, end) || colon + 1 == end) return false;
                end = colon;
            }
            return IpAddressValue.TryParse(s, start, end - start, out value);
        }

        /// <summary>Nothing, or a colon and a port from 1 to 65535.</summary>
        private static bool IsPortOrNothing(string s, int start, int end)
        {
            if (start == end) return true;
            return s[start] == ':' && ListSyntax.TryParseNatural(s, start + 1, end - start - 1, out int port) && port >= 1 && port <= 65535;
        }

        /// <summary>Finds <c>for=</c> in one <c>Forwarded</c> element (<c>for=1.2.3.4;proto=https;by=...</c>).</summary>
        private static bool TryParseForwardedElement(string s, int start, int length, out IpAddressValue value)
        {
            value = default;
            int end = start + length, pos = start;
            while (pos < end)
            {
                int semi = pos;
                bool quoted = false;
                while (semi < end && (quoted || s[semi] != ';'))
                {
                    if (s[semi] == '"' && (semi == start || s[semi - 1] != '\\')) quoted = !quoted;
                    semi++;
                }
                int p = pos;
                while (p < semi && IsWhite(s[p])) p++;
                if (semi - p > 4 && string.Compare(s, p, "for=", 0, 4, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    int vs = p + 4, ve = semi;
                    while (ve > vs && IsWhite(s[ve - 1])) ve--;
                    if (ve - vs >= 2 && s[vs] == '"' && s[ve - 1] == '"') { vs++; ve--; }
                    return TryParseHop(s, vs, ve - vs, out value);
                }
                pos = semi + 1;
            }
            return false; // An element without for= says nothing about the client: the chain is broken.
        }
    }
}
