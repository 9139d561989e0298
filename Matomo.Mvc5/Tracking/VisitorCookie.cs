using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Matomo.Mvc5.Text;

namespace Matomo.Mvc5.Tracking
{
    /// <summary>
    /// Matomo's first-party visitor cookie as <c>matomo.js</c> names and writes it, read so that a hit sent by the
    /// server lands on the browser's visitor: <c>_pk_id.&lt;site id&gt;.&lt;domain hash&gt;</c> holding
    /// <c>&lt;16 hex visitor id&gt;.&lt;creation seconds&gt;.</c> (Matomo 4 and later) or the older six fields
    /// <c>id.created.visitCount.currentVisit.lastVisit.lastOrder</c>. Never written: the browser's cookies are the browser's.
    /// </summary>
    internal static class VisitorCookie
    {
        /// <summary>The length of Matomo's visitor id in hex digits (<c>Tracker::LENGTH_HEX_ID_STRING</c>).</summary>
        public const int IdLength = 16;

        /// <summary>
        /// The cookie's name for <paramref name="siteId"/>: the hash is the first 4 hex digits of SHA-1 over the cookie
        /// domain as <c>setCookieDomain</c> keeps it (<c>*.example.com</c> is <c>.example.com</c>), or else the page's host,
        /// followed by the cookie path (<c>/</c> by default): <c>matomo.js</c>'s <c>updateDomainHash</c>.
        /// </summary>
        public static string Name(int siteId, string cookieDomain, string host, string cookiePath = "/") =>
            "_pk_id." + siteId.ToString(CultureInfo.InvariantCulture) + "." + DomainHash(cookieDomain, host, cookiePath);

        /// <summary>The 4 hex digits of the cookie names of <paramref name="cookieDomain"/> (or <paramref name="host"/>) and <paramref name="cookiePath"/>.</summary>
        public static string DomainHash(string cookieDomain, string host, string cookiePath = "/")
        {
            string domain = string.IsNullOrEmpty(cookieDomain) ? Fixup(AsciiHost(host ?? "")) : Fixup(cookieDomain);
            byte[] hash;
            using (var sha1 = SHA1.Create())
                hash = sha1.ComputeHash(Encoding.UTF8.GetBytes(domain + (string.IsNullOrEmpty(cookiePath) ? "/" : cookiePath)));
            return hash[0].ToString("x2", CultureInfo.InvariantCulture) + hash[1].ToString("x2", CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// Reads a cookie's value: the visitor id (16 hex digits, lower case as Matomo writes them) and the second at
        /// which the cookie was created. False for anything else, which is then not sent.
        /// </summary>
        public static bool TryRead(string value, out string visitorId, out long createdSeconds)
        {
            visitorId = null;
            createdSeconds = 0;
            if (string.IsNullOrEmpty(value) || value.Length > 200) return false;
            string[] fields = value.Split('.');
            if (fields.Length != 3 && fields.Length != 6) return false;
            if (fields.Length == 3 && fields[2].Length != 0) return false;
            string id = fields[0];
            if (id.Length != IdLength) return false;
            foreach (char c in id)
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) return false;
            if (!ListSyntax.TryParseNatural(fields[1], out int created) || created == 0) return false;
            visitorId = id.ToLowerInvariant();
            createdSeconds = created;
            return true;
        }

        /// <summary><c>matomo.js</c>'s <c>domainFixup</c>: no trailing dot, <c>*.</c> kept as <c>.</c>, nothing from a slash on.</summary>
        private static string Fixup(string domain)
        {
            if (domain.EndsWith(".", StringComparison.Ordinal)) domain = domain.Substring(0, domain.Length - 1);
            if (domain.StartsWith("*.", StringComparison.Ordinal)) domain = domain.Substring(1);
            int slash = domain.IndexOf('/');
            return slash < 0 ? domain : domain.Substring(0, slash);
        }

        /// <summary>The host as a browser's <c>document.domain</c> has it: lower case, international names in punycode.</summary>
        private static string AsciiHost(string host)
        {
            foreach (char c in host)
                if (c > 0x7F)
                {
                    try { return new IdnMapping().GetAscii(host).ToLowerInvariant(); }
                    catch (ArgumentException) { return host.ToLowerInvariant(); }
                }
            return host.ToLowerInvariant();
        }
    }
}
