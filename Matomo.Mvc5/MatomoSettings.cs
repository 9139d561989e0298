using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Matomo.Mvc5
{
    /// <summary>What Matomo must be told about consent before it tracks (<c>matomo:RequireConsent</c>).</summary>
    public enum MatomoConsentMode
    {
        /// <summary>No consent is asked for (the default).</summary>
        None,
        /// <summary><c>requireConsent</c>: nothing is tracked until the visitor consents.</summary>
        Tracking,
        /// <summary><c>requireCookieConsent</c>: tracking happens, cookies only after consent.</summary>
        Cookies,
    }

    /// <summary>Another Matomo site that receives the same page view through <c>addTracker</c>.</summary>
    public sealed class MatomoAdditionalTracker
    {
        internal MatomoAdditionalTracker(string domainPath, int siteId)
        {
            DomainPath = domainPath;
            SiteId = siteId;
        }

        /// <summary>The other Matomo server, or <c>null</c> for the main one.</summary>
        public string DomainPath { get; }

        /// <summary>The site id on that server.</summary>
        public int SiteId { get; }
    }

    /// <summary>
    /// The Matomo settings of a site, parsed and validated once from web.config <c>appSettings</c>, then immutable.
    /// Use <see cref="MatomoConfiguration.Current"/> for the application's own; <see cref="FromAppSettings"/> parses
    /// any collection of keys.
    /// </summary>
    public sealed class MatomoSettings
    {
        /// <summary>The appSettings keys this library reads.</summary>
        public static class Keys
        {
            /// <summary>Matomo server: domain, optional port and URI path, no scheme, no trailing slash.</summary>
            public const string DomainPath = "matomo:DomainPath";
            /// <summary>The numeric site id.</summary>
            public const string SiteId = "matomo:SiteId";
            /// <summary><c>true</c> pushes <c>disableCookies</c>.</summary>
            public const string DisableCookies = "matomo:DisableCookies";
            /// <summary>Client addresses and ranges for which tracking is commented out.</summary>
            public const string InternalIps = "matomo:InternalIps";
            /// <summary>The same, shared by every analytics integration; used when <see cref="InternalIps"/> is unset.</summary>
            public const string AnalyticalInternalIps = "analytical:InternalIps";
            /// <summary>Identify authenticated users by their name (default true).</summary>
            public const string AutoIdentify = "analytical:AutoIdentify";
            /// <summary>Proxies whose forwarding headers are believed.</summary>
            public const string TrustedProxies = "analytical:TrustedProxies";
            /// <summary>Which forwarding header to read: <c>auto</c>, <c>X-Forwarded-For</c> or <c>Forwarded</c>.</summary>
            public const string ForwardedHeader = "analytical:ForwardedHeader";
            /// <summary>The <c>HttpContext.Items</c> key under which the site keeps the request's CSP nonce.</summary>
            public const string NonceItemKey = "matomo:NonceItemKey";
            /// <summary><c>none</c>, <c>tracking</c> or <c>cookies</c>.</summary>
            public const string RequireConsent = "matomo:RequireConsent";
            /// <summary>Honour <c>DNT: 1</c> and <c>Sec-GPC: 1</c>.</summary>
            public const string RespectDoNotTrack = "matomo:RespectDoNotTrack";
            /// <summary>Push <c>enableLinkTracking</c> (default true).</summary>
            public const string EnableLinkTracking = "matomo:EnableLinkTracking";
            /// <summary>Seconds for <c>enableHeartBeatTimer</c>; unset or 0: off.</summary>
            public const string HeartBeatSeconds = "matomo:HeartBeatSeconds";
            /// <summary>Load from <c>https://</c> instead of the protocol-relative <c>//</c>.</summary>
            public const string UseHttps = "matomo:UseHttps";
            /// <summary>The tracker endpoint, relative to the domain path (default <c>matomo.php</c>).</summary>
            public const string TrackerPath = "matomo:TrackerPath";
            /// <summary>The tracker script, relative to the domain path (default <c>matomo.js</c>).</summary>
            public const string ScriptPath = "matomo:ScriptPath";
            /// <summary>More sites that receive the same page view: <c>siteId</c> or <c>domainPath|siteId</c> entries.</summary>
            public const string AdditionalTrackers = "matomo:AdditionalTrackers";
            /// <summary>A Matomo Tag Manager container id.</summary>
            public const string ContainerId = "matomo:ContainerId";

            internal static readonly string[] All =
            {
                DomainPath, SiteId, DisableCookies, InternalIps, AnalyticalInternalIps, AutoIdentify, TrustedProxies,
                ForwardedHeader, NonceItemKey, RequireConsent, RespectDoNotTrack, EnableLinkTracking, HeartBeatSeconds,
                UseHttps, TrackerPath, ScriptPath, AdditionalTrackers, ContainerId,
            };
        }

        /// <summary>Rails' RemoteIp defaults: loopback, private, link-local and unique-local ranges.</summary>
        public const string DefaultTrustedProxies = "127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, fc00::/7, fe80::/10";

        private const string DomainPathForm =
            "a domain with optional port and URI path, without scheme or trailing slash, such as matomo.example.com, www.example.com/matomo or example.com:1234/matomo";
        private const string BooleanForm = "true or false";
        private const string IpListForm = "IPv4/IPv6 addresses and CIDR ranges separated by commas or spaces, such as 10.0.0.0/8, 192.0.2.7, 2001:db8::/32";

        private static readonly Regex DomainPathRegex = new Regex(
            @"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*|\[[0-9A-Fa-f:.]+\])(?::(?<port>[0-9]{1,5}))?(?:/[A-Za-z0-9._~%!$()*+,;=@-]+)*\z",
            RegexOptions.CultureInvariant);
        private static readonly Regex RelativePathRegex = new Regex(
            @"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\z", RegexOptions.CultureInvariant);
        private static readonly Regex ContainerIdRegex = new Regex(@"^[A-Za-z0-9]{8}\z", RegexOptions.CultureInvariant);

        private MatomoSettings() { }

        /// <summary>The Matomo server (<c>matomo:DomainPath</c>), or <c>null</c> when unset.</summary>
        public string DomainPath { get; private set; }

        /// <summary>The site id (<c>matomo:SiteId</c>), or <c>null</c> when unset.</summary>
        public int? SiteId { get; private set; }

        /// <summary>Whether anything is rendered: a domain path and a site id or Tag Manager container.</summary>
        public bool IsEnabled => DomainPath != null && (SiteId != null || ContainerId != null);

        /// <summary><c>matomo:DisableCookies</c>.</summary>
        public bool DisableCookies { get; private set; }

        /// <summary><c>matomo:InternalIps</c>, else <c>analytical:InternalIps</c>, else empty.</summary>
        public IpRangeList InternalIps { get; private set; }

        /// <summary><c>analytical:AutoIdentify</c> (default true).</summary>
        public bool AutoIdentify { get; private set; }

        /// <summary><c>analytical:TrustedProxies</c> (default <see cref="DefaultTrustedProxies"/>).</summary>
        public IpRangeList TrustedProxies { get; private set; }

        /// <summary><c>analytical:ForwardedHeader</c> (default <see cref="ForwardedHeaderKind.Auto"/>).</summary>
        public ForwardedHeaderKind ForwardedHeader { get; private set; }

        /// <summary><c>matomo:NonceItemKey</c>, or <c>null</c>.</summary>
        public string NonceItemKey { get; private set; }

        /// <summary><c>matomo:RequireConsent</c> (default <see cref="MatomoConsentMode.None"/>).</summary>
        public MatomoConsentMode RequireConsent { get; private set; }

        /// <summary><c>matomo:RespectDoNotTrack</c>.</summary>
        public bool RespectDoNotTrack { get; private set; }

        /// <summary><c>matomo:EnableLinkTracking</c> (default true).</summary>
        public bool EnableLinkTracking { get; private set; }

        /// <summary><c>matomo:HeartBeatSeconds</c>; 0 when off.</summary>
        public int HeartBeatSeconds { get; private set; }

        /// <summary><c>matomo:UseHttps</c>.</summary>
        public bool UseHttps { get; private set; }

        /// <summary><c>matomo:TrackerPath</c> (default <c>matomo.php</c>).</summary>
        public string TrackerPath { get; private set; }

        /// <summary><c>matomo:ScriptPath</c> (default <c>matomo.js</c>).</summary>
        public string ScriptPath { get; private set; }

        /// <summary><c>matomo:AdditionalTrackers</c>.</summary>
        public IReadOnlyList<MatomoAdditionalTracker> AdditionalTrackers { get; private set; }

        /// <summary><c>matomo:ContainerId</c>, or <c>null</c>.</summary>
        public string ContainerId { get; private set; }

        /// <summary>The URL prefix of the Matomo server: <c>//DomainPath/</c> or <c>https://DomainPath/</c>.</summary>
        public string BaseUrl => DomainPath == null ? null : UrlFor(DomainPath);

        internal SnippetTemplate Template { get; private set; }

        internal string UrlFor(string domainPath) => (UseHttps ? "https://" : "//") + domainPath + "/";

        /// <summary>
        /// Parses and validates the settings from <paramref name="appSettings"/> (e.g. <c>ConfigurationManager.AppSettings</c>).
        /// Unset or empty keys take their defaults.
        /// </summary>
        /// <exception cref="MatomoConfigurationException">A key is set but invalid, or a <c>matomo:</c> key is unknown.</exception>
        public static MatomoSettings FromAppSettings(NameValueCollection appSettings)
        {
            if (appSettings == null) throw new ArgumentNullException(nameof(appSettings));
            return FromLookup(key => appSettings[key], appSettings.AllKeys);
        }

        internal static MatomoSettings FromLookup(Func<string, string> read, IEnumerable<string> allKeys)
        {
            foreach (string key in allKeys ?? Enumerable.Empty<string>())
            {
                string known = key == null || Keys.All.Contains(key, StringComparer.OrdinalIgnoreCase) ? null : LikelyMeant(key);
                if (known != null)
                    throw new MatomoConfigurationException(key, read(key), "no such setting: did you mean " + known + "?");
            }

            string Get(string key)
            {
                string v = read(key)?.Trim();
                return string.IsNullOrEmpty(v) ? null : v;
            }

            var s = new MatomoSettings
            {
                DomainPath = ParseDomainPath(Keys.DomainPath, Get(Keys.DomainPath)),
                SiteId = ParseSiteId(Keys.SiteId, Get(Keys.SiteId)),
                DisableCookies = ParseBool(Keys.DisableCookies, Get(Keys.DisableCookies), false),
                AutoIdentify = ParseBool(Keys.AutoIdentify, Get(Keys.AutoIdentify), true),
                NonceItemKey = Get(Keys.NonceItemKey),
                RespectDoNotTrack = ParseBool(Keys.RespectDoNotTrack, Get(Keys.RespectDoNotTrack), false),
                EnableLinkTracking = ParseBool(Keys.EnableLinkTracking, Get(Keys.EnableLinkTracking), true),
                UseHttps = ParseBool(Keys.UseHttps, Get(Keys.UseHttps), false),
                TrackerPath = ParseRelativePath(Keys.TrackerPath, Get(Keys.TrackerPath)) ?? "matomo.php",
                ScriptPath = ParseRelativePath(Keys.ScriptPath, Get(Keys.ScriptPath)) ?? "matomo.js",
            };

            string internalKey = Get(Keys.InternalIps) != null ? Keys.InternalIps : Keys.AnalyticalInternalIps;
            s.InternalIps = ParseIpList(internalKey, Get(internalKey)) ?? IpRangeList.Empty;
            s.TrustedProxies = ParseIpList(Keys.TrustedProxies, Get(Keys.TrustedProxies)) ?? IpRangeList.Parse(DefaultTrustedProxies);

            s.ForwardedHeader = ParseChoice(Keys.ForwardedHeader, Get(Keys.ForwardedHeader), ForwardedHeaderKind.Auto,
                "auto", ForwardedHeaderKind.Auto, "X-Forwarded-For", ForwardedHeaderKind.XForwardedFor, "Forwarded", ForwardedHeaderKind.Forwarded);
            s.RequireConsent = ParseChoice(Keys.RequireConsent, Get(Keys.RequireConsent), MatomoConsentMode.None,
                "none", MatomoConsentMode.None, "tracking", MatomoConsentMode.Tracking, "cookies", MatomoConsentMode.Cookies);

            string heartBeat = Get(Keys.HeartBeatSeconds);
            if (heartBeat != null)
            {
                if (!TryParseNatural(heartBeat, out int seconds) || seconds > 86400)
                    throw new MatomoConfigurationException(Keys.HeartBeatSeconds, heartBeat, "a whole number of seconds from 0 (off) to 86400, such as 15");
                s.HeartBeatSeconds = seconds;
            }

            string container = Get(Keys.ContainerId);
            if (container != null && !ContainerIdRegex.IsMatch(container))
                throw new MatomoConfigurationException(Keys.ContainerId, container, "a Matomo Tag Manager container id: 8 letters or digits, such as aBcD1234");
            s.ContainerId = container;

            s.AdditionalTrackers = ParseAdditionalTrackers(Get(Keys.AdditionalTrackers));
            s.Template = new SnippetTemplate(s);
            return s;
        }

        /// <summary>
        /// The Matomo key that an unknown <c>matomo:</c> key is most likely a typo of (two edits or fewer, or one a
        /// prefix of the other), or <c>null</c>. Keys far from every known one are left alone: they may belong to the
        /// site or to another library.
        /// </summary>
        internal static string LikelyMeant(string key)
        {
            const string prefix = "matomo:";
            if (!key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return null;
            string name = key.Substring(prefix.Length).ToLowerInvariant();
            foreach (string known in Keys.All.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                string knownName = known.Substring(prefix.Length).ToLowerInvariant();
                bool prefixOfOther = name.Length >= 4 && (knownName.StartsWith(name, StringComparison.Ordinal) || name.StartsWith(knownName, StringComparison.Ordinal));
                if (prefixOfOther || EditDistance(name, knownName, 2) <= 2) return known;
            }
            return null;
        }

        /// <summary>Optimal string alignment distance (insertions, deletions, substitutions, transpositions), or
        /// <paramref name="limit"/> + 1 once it is known to exceed it.</summary>
        private static int EditDistance(string a, string b, int limit)
        {
            if (Math.Abs(a.Length - b.Length) > limit) return limit + 1;
            var d = new int[a.Length + 1, b.Length + 1];
            for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (int j = 0; j <= b.Length; j++) d[0, j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
            return d[a.Length, b.Length];
        }

        private static string ParseDomainPath(string key, string value)
        {
            if (value == null) return null;
            if (!IsValidDomainPath(value)) throw new MatomoConfigurationException(key, value, DomainPathForm);
            return value;
        }

        private static bool IsValidDomainPath(string value)
        {
            Match m = DomainPathRegex.Match(value);
            if (!m.Success) return false;
            Group port = m.Groups["port"];
            return !port.Success || int.Parse(port.Value, CultureInfo.InvariantCulture) is int p && p >= 1 && p <= 65535;
        }

        private static int? ParseSiteId(string key, string value)
        {
            if (value == null) return null;
            if (!TryParseNatural(value, out int id) || id < 1)
                throw new MatomoConfigurationException(key, value, "a positive whole number such as 4 (the idSite of the site in Matomo)");
            return id;
        }

        /// <summary>
        /// A whole number of ASCII digits only. (int.TryParse also takes trailing NUL characters, and would let
        /// "4\0" through as 4.)
        /// </summary>
        internal static bool TryParseNatural(string text, out int value)
        {
            value = 0;
            if (string.IsNullOrEmpty(text) || text.Length > 10) return false;
            long result = 0;
            foreach (char c in text)
            {
                if (c < '0' || c > '9') return false;
                result = result * 10 + (c - '0');
            }
            if (result > int.MaxValue) return false;
            value = (int)result;
            return true;
        }

        private static bool ParseBool(string key, string value, bool defaultValue)
        {
            if (value == null) return defaultValue;
            if (value.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
            if (value.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
            throw new MatomoConfigurationException(key, value, BooleanForm);
        }

        /// <summary>One of three words (case-insensitive), each standing for a value.</summary>
        private static T ParseChoice<T>(string key, string value, T defaultValue, string name1, T value1, string name2, T value2, string name3, T value3)
        {
            if (value == null) return defaultValue;
            if (value.Equals(name1, StringComparison.OrdinalIgnoreCase)) return value1;
            if (value.Equals(name2, StringComparison.OrdinalIgnoreCase)) return value2;
            if (value.Equals(name3, StringComparison.OrdinalIgnoreCase)) return value3;
            throw new MatomoConfigurationException(key, value, $"{name1}, {name2} or {name3}");
        }

        private static IpRangeList ParseIpList(string key, string value)
        {
            if (value == null) return null;
            if (!IpRangeList.TryParse(value, out IpRangeList list, out string error))
                throw new MatomoConfigurationException(key, value, IpListForm + " (" + error + ")");
            return list;
        }

        private static string ParseRelativePath(string key, string value)
        {
            if (value == null) return null;
            if (!RelativePathRegex.IsMatch(value) || value.Split('/').Any(segment => segment == "." || segment == ".."))
                throw new MatomoConfigurationException(key, value,
                    "a path relative to matomo:DomainPath, without scheme, leading slash, query or '..', such as matomo.php or js/tracker.js");
            return value;
        }

        private static IReadOnlyList<MatomoAdditionalTracker> ParseAdditionalTrackers(string value)
        {
            var trackers = new List<MatomoAdditionalTracker>();
            if (value == null) return trackers;
            const string form = "a list of siteId or domainPath|siteId entries separated by commas or spaces, such as 7, analytics.example.com|3";
            foreach (string entry in value.Split(new[] { ',', ' ', '\t', '\r', '\n', ';' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int bar = entry.IndexOf('|');
                string domain = bar < 0 ? null : entry.Substring(0, bar);
                string id = bar < 0 ? entry : entry.Substring(bar + 1);
                if (domain != null && !IsValidDomainPath(domain)
                    || !TryParseNatural(id, out int siteId) || siteId < 1)
                    throw new MatomoConfigurationException(Keys.AdditionalTrackers, value, form + " ('" + entry + "' is not)");
                trackers.Add(new MatomoAdditionalTracker(domain, siteId));
            }
            return trackers.AsReadOnly();
        }
    }
}
