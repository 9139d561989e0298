using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Text;
using Keys = Matomo.Mvc5.Configuration.MatomoSettings.Keys;

namespace Matomo.Mvc5.Configuration
{
    /// <summary>Reads every key once, validates it and builds the immutable <see cref="MatomoSettings"/>.</summary>
    internal static class MatomoSettingsParser
    {
        private const string DomainPathForm =
            "a domain with optional port and URI path, without scheme or trailing slash, such as matomo.example.com, www.example.com/matomo or example.com:1234/matomo";
        private const string BooleanForm = "true or false";
        private const string IpListForm = "IPv4/IPv6 addresses and CIDR ranges separated by commas or spaces, such as 10.0.0.0/8, 192.0.2.7, 2001:db8::/32";
        private const string RelativePathForm =
            "a path relative to matomo:DomainPath, without scheme, leading slash, query or '..', such as matomo.php or js/tracker.js";
        private const string TrackersForm =
            "a list of siteId or domainPath|siteId entries separated by commas or spaces, such as 7, analytics.example.com|3";

        private const string ProxyPathForm = "a path of the site, without scheme, query or '..', such as insights or assets/stats";
        private const string UpstreamForm =
            "an absolute http or https URL without user name, query or fragment, at which the web server reaches Matomo, such as http://matomo.internal:8080/matomo/";
        private const string TokenForm = "a Matomo token_auth: 1 to 256 letters, digits or -._~ (the value is secret and not shown)";

        private static readonly Regex DomainPathRegex = new Regex(
            @"^(?:(?<host>[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*)|\[(?<v6>[0-9A-Fa-f:.]+)\])(?::(?<port>[0-9]{1,5}))?(?<path>(?:/[A-Za-z0-9._~%!$()*+,;=@-]+)*)\z",
            RegexOptions.CultureInvariant);
        private static readonly Regex RelativePathRegex = new Regex(
            @"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\z", RegexOptions.CultureInvariant);
        private static readonly Regex ContainerIdRegex = new Regex(@"^[A-Za-z0-9]{8}\z", RegexOptions.CultureInvariant);

        /// <summary>
        /// Parses the keys that <paramref name="read"/> returns; <paramref name="allKeys"/> are checked for typos.
        /// <paramref name="applicationPath"/> is the site's virtual path (<c>/</c>, <c>/app</c>), which the proxy's
        /// public path starts with: passed in by the web layer, never read here.
        /// </summary>
        public static MatomoSettings Parse(Func<string, string> read, IEnumerable<string> allKeys, string applicationPath = "/")
        {
            foreach (string key in allKeys ?? Enumerable.Empty<string>())
            {
                string meant = SettingKeySpelling.LikelyMeant(key);
                if (meant != null) throw MatomoConfigurationException.UnknownKey(key, meant);
            }

            string Get(string key)
            {
                string v = read(key)?.Trim();
                return string.IsNullOrEmpty(v) ? null : v;
            }

            string internalKey = Get(Keys.InternalIps) != null ? Keys.InternalIps : Keys.AnalyticalInternalIps;
            string domainPath = ParseDomainPath(Keys.DomainPath, Get(Keys.DomainPath));
            return new MatomoSettings(
                domainPath: domainPath,
                siteId: ParseSiteId(Get(Keys.SiteId)),
                disableCookies: ParseBool(Keys.DisableCookies, Get(Keys.DisableCookies), false),
                internalIps: ParseIpList(internalKey, Get(internalKey)) ?? IpRangeList.Empty,
                autoIdentify: ParseBool(Keys.AutoIdentify, Get(Keys.AutoIdentify), true),
                trustedProxies: ParseIpList(Keys.TrustedProxies, Get(Keys.TrustedProxies)) ?? IpRangeList.Parse(MatomoSettings.DefaultTrustedProxies),
                forwardedHeader: ParseChoice(Keys.ForwardedHeader, Get(Keys.ForwardedHeader), ForwardedHeaderKind.Auto,
                    new[] { "auto", "X-Forwarded-For", "Forwarded" },
                    new[] { ForwardedHeaderKind.Auto, ForwardedHeaderKind.XForwardedFor, ForwardedHeaderKind.Forwarded }),
                nonceItemKey: Get(Keys.NonceItemKey),
                requireConsent: ParseChoice(Keys.RequireConsent, Get(Keys.RequireConsent), MatomoConsentMode.None,
                    new[] { "none", "tracking", "cookies" },
                    new[] { MatomoConsentMode.None, MatomoConsentMode.Tracking, MatomoConsentMode.Cookies }),
                respectDoNotTrack: ParseBool(Keys.RespectDoNotTrack, Get(Keys.RespectDoNotTrack), false),
                enableLinkTracking: ParseBool(Keys.EnableLinkTracking, Get(Keys.EnableLinkTracking), true),
                heartBeatSeconds: ParseWholeNumber(Keys.HeartBeatSeconds, Get(Keys.HeartBeatSeconds), 0, 86400,
                    "a whole number of seconds from 0 (off) to 86400, such as 15") ?? 0,
                useHttps: ParseBool(Keys.UseHttps, Get(Keys.UseHttps), false),
                trackerPath: ParseRelativePath(Keys.TrackerPath, Get(Keys.TrackerPath)) ?? "matomo.php",
                scriptPath: ParseRelativePath(Keys.ScriptPath, Get(Keys.ScriptPath)) ?? "matomo.js",
                additionalTrackers: ParseAdditionalTrackers(Get(Keys.AdditionalTrackers)),
                containerId: ParseContainerId(Get(Keys.ContainerId)),
                // the page API's site-wide settings
                excludedRoles: ParseRoles(Get(Keys.ExcludedRoles)),
                excludedPaths: ParseExcludedPaths(Get(Keys.ExcludedPaths)),
                cookieDomain: ParseCookieDomain(Get(Keys.CookieDomain)),
                domains: ParseDomains(Get(Keys.Domains)),
                crossDomainLinking: ParseCrossDomainLinking(Get(Keys.CrossDomainLinking), Get(Keys.Domains) != null),
                visitorCookieTimeout: ParseWholeNumber(Keys.VisitorCookieTimeout, Get(Keys.VisitorCookieTimeout), 1, int.MaxValue,
                    "a whole number of seconds of 1 or more, such as 33955200 (13 months, Matomo's default)"),
                secureCookie: ParseBool(Keys.SecureCookie, Get(Keys.SecureCookie), false),
                cookieSameSite: ParseSameSite(Get(Keys.CookieSameSite), ParseBool(Keys.SecureCookie, Get(Keys.SecureCookie), false)),
                enableJSErrorTracking: ParseBool(Keys.EnableJSErrorTracking, Get(Keys.EnableJSErrorTracking), false),
                proxy: ParseProxy(Get, domainPath, applicationPath));
        }

        // ---- the page API's site-wide settings ----

        private const string RolesForm = "role names separated by commas, such as Administrators, Content Editors";
        private const string ExcludedPathsForm =
            "app-relative path prefixes starting with ~/, separated by commas or spaces, without query, '..' or backslashes, such as ~/admin, ~/internal/reports";
        private const string CookieDomainForm = "a domain, optionally with a leading *. or ., such as *.example.com";
        private const string DomainsForm =
            "domains separated by commas or spaces, each optionally with a leading *. and a path, such as *.example.com, shop.example.org/store";

        private static readonly Regex HostRegex = new Regex(
            @"^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\z", RegexOptions.CultureInvariant);
        private static readonly Regex DomainRegex = new Regex(
            @"^(?:\*\.)?[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*(?:/[A-Za-z0-9._~%!$()*+,;=@-]*)*\z",
            RegexOptions.CultureInvariant);
        private static readonly Regex ExcludedPathRegex = new Regex(@"^~(?:/[A-Za-z0-9._~%!$()*+,;=@-]+)*/?\z", RegexOptions.CultureInvariant);
        private static readonly IReadOnlyList<string> None = new string[0];

        /// <summary>Comma-separated (role names may hold spaces); each trimmed, none empty or holding control characters.</summary>
        private static IReadOnlyList<string> ParseRoles(string value)
        {
            if (value == null) return None;
            var roles = new List<string>();
            foreach (string part in value.Split(','))
            {
                string role = part.Trim();
                if (role.Length == 0 || role.Any(char.IsControl)) throw new MatomoConfigurationException(Keys.ExcludedRoles, value, RolesForm);
                roles.Add(role);
            }
            return roles.AsReadOnly();
        }

        /// <summary><c>~/admin</c>, <c>~/admin/</c> (kept without the trailing slash) or <c>~/</c> (the whole site).</summary>
        private static IReadOnlyList<string> ParseExcludedPaths(string value)
        {
            var paths = new List<string>();
            foreach (string entry in ListSyntax.Split(value))
            {
                if (!ExcludedPathRegex.IsMatch(entry) || entry.Split('/').Any(segment => segment == "." || segment == ".."))
                    throw new MatomoConfigurationException(Keys.ExcludedPaths, value, ExcludedPathsForm + " ('" + entry + "' is not)");
                paths.Add(entry.Length > 2 ? entry.TrimEnd('/') : "~/");
            }
            return paths.AsReadOnly();
        }

        private static string ParseCookieDomain(string value)
        {
            if (value == null) return null;
            string host = value.StartsWith("*.", StringComparison.Ordinal) ? value.Substring(2) : value.StartsWith(".", StringComparison.Ordinal) ? value.Substring(1) : value;
            if (!HostRegex.IsMatch(host)) throw new MatomoConfigurationException(Keys.CookieDomain, value, CookieDomainForm);
            return value;
        }

        private static IReadOnlyList<string> ParseDomains(string value)
        {
            var domains = new List<string>();
            foreach (string entry in ListSyntax.Split(value))
            {
                if (!DomainRegex.IsMatch(entry) || entry.Split('/').Any(segment => segment == "." || segment == ".."))
                    throw new MatomoConfigurationException(Keys.Domains, value, DomainsForm + " ('" + entry + "' is not)");
                domains.Add(entry);
            }
            return domains.AsReadOnly();
        }

        private static bool ParseCrossDomainLinking(string value, bool hasDomains)
        {
            bool enabled = ParseBool(Keys.CrossDomainLinking, value, false);
            if (enabled && !hasDomains)
                throw new MatomoConfigurationException(Keys.CrossDomainLinking, value,
                    "true only together with matomo:Domains, the domains between which links carry the visitor (or false)");
            return enabled;
        }

        private static MatomoSameSite? ParseSameSite(string value, bool secureCookie)
        {
            if (value == null) return null;
            MatomoSameSite sameSite = ParseChoice(Keys.CookieSameSite, value, MatomoSameSite.Lax,
                new[] { "Lax", "Strict", "None" }, new[] { MatomoSameSite.Lax, MatomoSameSite.Strict, MatomoSameSite.None });
            if (sameSite == MatomoSameSite.None && !secureCookie)
                throw new MatomoConfigurationException(Keys.CookieSameSite, value,
                    "Lax, Strict or None; None only together with matomo:SecureCookie true (browsers refuse SameSite=None cookies that are not secure)");
            return sameSite;
        }

        /// <summary>The <c>matomo:Proxy*</c> keys; null when <c>matomo:ProxyPath</c> is unset.</summary>
        private static MatomoProxySettings ParseProxy(Func<string, string> get, string domainPath, string applicationPath)
        {
            string path = get(Keys.ProxyPath)?.Trim('/');
            if (path == null) return null;
            if (!IsRelativePath(path)) throw new MatomoConfigurationException(Keys.ProxyPath, get(Keys.ProxyPath), ProxyPathForm);
            string upstream = get(Keys.ProxyUpstream);
            if (upstream == null && domainPath == null)
                throw new MatomoConfigurationException(Keys.ProxyUpstream, null, UpstreamForm + " (required when matomo:DomainPath is unset)");
            string token = get(Keys.ProxyTokenAuth);
            if (token != null && !IsToken(token))
                throw new MatomoConfigurationException(Keys.ProxyTokenAuth, null, TokenForm); // never quote a secret
            return new MatomoProxySettings(
                path,
                applicationPath,
                upstream == null ? new Uri("https://" + domainPath + "/") : ParseUpstream(upstream),
                token,
                ParseWholeNumber(Keys.ProxyTimeoutSeconds, get(Keys.ProxyTimeoutSeconds), 1, 300,
                    "a whole number of seconds from 1 to 300, such as 5") ?? MatomoProxySettings.DefaultTimeoutSeconds,
                ParseWholeNumber(Keys.ProxyScriptMaxAgeSeconds, get(Keys.ProxyScriptMaxAgeSeconds), 60, 31536000,
                    "a whole number of seconds from 60 to 31536000, such as 86400") ?? MatomoProxySettings.DefaultScriptMaxAgeSeconds);
        }

        private static Uri ParseUpstream(string value)
        {
            try
            {
                if (Uri.TryCreate(value, UriKind.Absolute, out Uri uri)
                    && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0
                    && uri.UserInfo.Length == 0 && uri.Query.Length == 0 && value.IndexOf('#') < 0)
                    return uri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? uri : new Uri(uri.AbsoluteUri + "/");
            }
            catch (UriFormatException)
            {
                // Uri.TryCreate takes some values (a broken escape before a surrogate pair) that AbsoluteUri then throws on.
            }
            // Never quoted: a refused URL may carry a user name and password (http://user:password@host/).
            throw new MatomoConfigurationException(Keys.ProxyUpstream, null, UpstreamForm + " (the value is not shown: it may hold a password)");
        }

        /// <summary>Printable token characters only (Matomo's tokens are hex), at most 256.</summary>
        private static bool IsToken(string value)
        {
            if (value.Length > 256) return false;
            foreach (char c in value)
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~')) return false;
            return true;
        }

        private static string ParseDomainPath(string key, string value)
        {
            if (value == null) return null;
            if (!IsValidDomainPath(value)) throw new MatomoConfigurationException(key, value, DomainPathForm);
            return value;
        }

        /// <summary>
        /// A host name or bracketed IPv6 literal, an optional port from 1 to 65535, and path segments other than
        /// <c>.</c> and <c>..</c>.
        /// </summary>
        internal static bool IsValidDomainPath(string value)
        {
            Match m = DomainPathRegex.Match(value);
            if (!m.Success) return false;
            Group v6 = m.Groups["v6"];
            // The address rules of every other setting (no leading zeros in an embedded dotted quad, as browsers' URL
            // parsers refuse them too); brackets hold IPv6 text only.
            if (v6.Success && !(v6.Value.IndexOf(':') >= 0 && IpAddressValue.TryParse(v6.Value, out _)))
                return false;
            Group port = m.Groups["port"];
            if (port.Success && !(ListSyntax.TryParseNatural(port.Value, out int p) && p >= 1 && p <= 65535)) return false;
            foreach (string segment in m.Groups["path"].Value.Split('/'))
                if (segment == "." || segment == "..") return false;
            return true;
        }

        private static int? ParseSiteId(string value) =>
            ParseWholeNumber(Keys.SiteId, value, 1, int.MaxValue, "a positive whole number such as 4 (the idSite of the site in Matomo)");

        private static int? ParseWholeNumber(string key, string value, int min, int max, string form)
        {
            if (value == null) return null;
            if (!ListSyntax.TryParseNatural(value, out int n) || n < min || n > max)
                throw new MatomoConfigurationException(key, value, form);
            return n;
        }

        private static bool ParseBool(string key, string value, bool defaultValue) =>
            ParseChoice(key, value, defaultValue, new[] { "true", "false" }, new[] { true, false });

        /// <summary>One of a few words (case-insensitive): <paramref name="names"/>[i] stands for <paramref name="values"/>[i].</summary>
        private static T ParseChoice<T>(string key, string value, T defaultValue, string[] names, T[] values)
        {
            if (value == null) return defaultValue;
            for (int i = 0; i < names.Length; i++)
                if (value.Equals(names[i], StringComparison.OrdinalIgnoreCase)) return values[i];
            throw new MatomoConfigurationException(key, value, string.Join(", ", names, 0, names.Length - 1) + " or " + names[names.Length - 1]);
        }

        private static IpRangeList ParseIpList(string key, string value)
        {
            if (value == null) return null;
            if (!IpRangeList.TryParse(value, out IpRangeList list, out string error))
                throw new MatomoConfigurationException(key, value, IpListForm, error);
            return list;
        }

        private static string ParseRelativePath(string key, string value)
        {
            if (value == null) return null;
            if (!IsRelativePath(value)) throw new MatomoConfigurationException(key, value, RelativePathForm);
            return value;
        }

        private static bool IsRelativePath(string value) =>
            RelativePathRegex.IsMatch(value) && !value.Split('/').Any(segment => segment == "." || segment == "..");

        private static string ParseContainerId(string value)
        {
            if (value != null && !ContainerIdRegex.IsMatch(value))
                throw new MatomoConfigurationException(Keys.ContainerId, value, "a Matomo Tag Manager container id: 8 letters or digits, such as aBcD1234");
            return value;
        }

        private static IReadOnlyList<MatomoAdditionalTracker> ParseAdditionalTrackers(string value)
        {
            var trackers = new List<MatomoAdditionalTracker>();
            foreach (string entry in ListSyntax.Split(value))
            {
                int bar = entry.IndexOf('|');
                string domain = bar < 0 ? null : entry.Substring(0, bar);
                string id = bar < 0 ? entry : entry.Substring(bar + 1);
                if (domain != null && !IsValidDomainPath(domain) || !ListSyntax.TryParseNatural(id, out int siteId) || siteId < 1)
                    throw new MatomoConfigurationException(Keys.AdditionalTrackers, value, TrackersForm, "'" + entry + "' is not");
                trackers.Add(new MatomoAdditionalTracker(domain, siteId));
            }
            return trackers.AsReadOnly();
        }
    }
}
