using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Text;
using Keys = Matomo.Mvc5.Configuration.MatomoSettings.Keys;

namespace Matomo.Mvc5.Configuration
{
    /// <summary>
    /// Every appSettings key the library reads, one definition each: the key, the form of a valid value (the message
    /// when it is not), the parser and the default. Settings are read in the order they are declared here, so a
    /// definition may look at the ones above it (<see cref="SettingInput.Get{TOther}"/>). Adding a setting is adding
    /// its definition here (and a test); code reads it with <c>settings.Get(SettingTable.TheSetting)</c>.
    /// </summary>
    internal static class SettingTable
    {
        // ---- where Matomo is, which site ----

        public static readonly Setting<string> DomainPath = new Setting<string>(Keys.DomainPath,
            "a domain with optional port and URI path, without scheme or trailing slash, such as matomo.example.com, www.example.com/matomo or example.com:1234/matomo",
            i => IsValidDomainPath(i.Value) ? i.Value : throw i.Refuse(), Unset<string>);

        public static readonly Setting<int?> SiteId = WholeNumber(Keys.SiteId, 1, int.MaxValue,
            "a positive whole number such as 4 (the idSite of the site in Matomo)");

        public static readonly Setting<bool> DisableCookies = Bool(Keys.DisableCookies, false);

        // ---- who is tracked ----

        public static readonly Setting<IpRangeList> InternalIps = IpList(Keys.InternalIps, _ => IpRangeList.Empty,
            fallbackKey: Keys.AnalyticalInternalIps);

        public static readonly Setting<bool> AutoIdentify = Bool(Keys.AutoIdentify, true);

        public static readonly Setting<IpRangeList> TrustedProxies = IpList(Keys.TrustedProxies,
            _ => IpRangeList.Parse(MatomoSettings.DefaultTrustedProxies));

        public static readonly Setting<ForwardedHeaderKind> ForwardedHeader = Choice(Keys.ForwardedHeader, ForwardedHeaderKind.Auto,
            new[] { "auto", "X-Forwarded-For", "Forwarded" },
            new[] { ForwardedHeaderKind.Auto, ForwardedHeaderKind.XForwardedFor, ForwardedHeaderKind.Forwarded });

        public static readonly Setting<string> NonceItemKey = new Setting<string>(Keys.NonceItemKey, null, i => i.Value, Unset<string>);

        public static readonly Setting<MatomoConsentMode> RequireConsent = Choice(Keys.RequireConsent, MatomoConsentMode.None,
            new[] { "none", "tracking", "cookies" },
            new[] { MatomoConsentMode.None, MatomoConsentMode.Tracking, MatomoConsentMode.Cookies });

        public static readonly Setting<bool> RespectDoNotTrack = Bool(Keys.RespectDoNotTrack, false);

        // ---- what the snippet pushes ----

        public static readonly Setting<bool> EnableLinkTracking = Bool(Keys.EnableLinkTracking, true);

        public static readonly Setting<int> HeartBeatSeconds = WholeNumber(Keys.HeartBeatSeconds, 0, 0, 86400,
            "a whole number of seconds from 0 (off) to 86400, such as 15");

        public static readonly Setting<bool> UseHttps = Bool(Keys.UseHttps, false);

        public static readonly Setting<string> TrackerPath = RelativePath(Keys.TrackerPath, "matomo.php");

        public static readonly Setting<string> ScriptPath = RelativePath(Keys.ScriptPath, "matomo.js");

        public static readonly Setting<IReadOnlyList<MatomoAdditionalTracker>> AdditionalTrackers =
            new Setting<IReadOnlyList<MatomoAdditionalTracker>>(Keys.AdditionalTrackers,
                "a list of siteId or domainPath|siteId entries separated by commas or spaces, such as 7, analytics.example.com|3",
                ParseAdditionalTrackers, _ => new MatomoAdditionalTracker[0]);

        public static readonly Setting<string> ContainerId = new Setting<string>(Keys.ContainerId,
            "a Matomo Tag Manager container id: 8 letters or digits, such as aBcD1234",
            i => ContainerIdRegex.IsMatch(i.Value) ? i.Value : throw i.Refuse(), Unset<string>);

        // ---- the page API's site-wide settings ----

        public static readonly Setting<IReadOnlyList<string>> ExcludedRoles = new Setting<IReadOnlyList<string>>(Keys.ExcludedRoles,
            "role names separated by commas, such as Administrators, Content Editors", ParseRoles, _ => None);

        public static readonly Setting<IReadOnlyList<string>> ExcludedPaths = new Setting<IReadOnlyList<string>>(Keys.ExcludedPaths,
            "app-relative path prefixes starting with ~/, separated by commas or spaces, without query, '..' or backslashes, such as ~/admin, ~/internal/reports",
            ParseExcludedPaths, _ => None);

        public static readonly Setting<string> CookieDomain = new Setting<string>(Keys.CookieDomain,
            "a domain, optionally with a leading *. or ., such as *.example.com", ParseCookieDomain, Unset<string>);

        public static readonly Setting<IReadOnlyList<string>> Domains = new Setting<IReadOnlyList<string>>(Keys.Domains,
            "domains separated by commas or spaces, each optionally with a leading *. and a path, such as *.example.com, shop.example.org/store",
            ParseDomains, _ => None);

        public static readonly Setting<bool> CrossDomainLinking = Bool(Keys.CrossDomainLinking, false, (i, enabled) =>
            enabled && i.Get(Domains).Count == 0
                ? throw i.Refuse("true only together with matomo:Domains, the domains between which links carry the visitor (or false)", null, true)
                : enabled);

        public static readonly Setting<int?> VisitorCookieTimeout = WholeNumber(Keys.VisitorCookieTimeout, 1, int.MaxValue,
            "a whole number of seconds of 1 or more, such as 33955200 (13 months, Matomo's default)");

        public static readonly Setting<bool> SecureCookie = Bool(Keys.SecureCookie, false);

        public static readonly Setting<MatomoSameSite?> CookieSameSite = new Setting<MatomoSameSite?>(Keys.CookieSameSite, "Lax, Strict or None",
            i =>
            {
                MatomoSameSite sameSite = Pick(i, new[] { "Lax", "Strict", "None" }, new[] { MatomoSameSite.Lax, MatomoSameSite.Strict, MatomoSameSite.None });
                if (sameSite == MatomoSameSite.None && !i.Get(SecureCookie))
                    throw i.Refuse("Lax, Strict or None; None only together with matomo:SecureCookie true (browsers refuse SameSite=None cookies that are not secure)", null, true);
                return sameSite;
            },
            Unset<MatomoSameSite?>);

        public static readonly Setting<bool> EnableJSErrorTracking = Bool(Keys.EnableJSErrorTracking, false);

        // ---- the tracker proxy: read only when matomo:ProxyPath is set ----

        public static readonly Setting<string> ProxyPath = new Setting<string>(Keys.ProxyPath,
            "a path of the site, without scheme, query or '..', such as insights or assets/stats",
            i => IsRelativePath(i.Value.Trim('/')) ? i.Value.Trim('/') : throw i.Refuse(), Unset<string>);

        private const string UpstreamForm =
            "an absolute http or https URL without user name, query or fragment, at which the web server reaches Matomo, such as http://matomo.internal:8080/matomo/";

        public static readonly Setting<Uri> ProxyUpstream = new Setting<Uri>(Keys.ProxyUpstream, UpstreamForm, ParseUpstream,
            i => i.Get(DomainPath) is string domainPath ? new Uri("https://" + domainPath + "/") : throw i.Refuse("required when matomo:DomainPath is unset"),
            onlyWith: ProxyPath, secret: true);

        public static readonly Setting<string> ProxyTokenAuth = new Setting<string>(Keys.ProxyTokenAuth,
            "a Matomo token_auth: 1 to 256 letters, digits or -._~ (the value is secret and not shown)",
            i => IsToken(i.Value) ? i.Value : throw i.Refuse(), Unset<string>, onlyWith: ProxyPath, secret: true);

        public static readonly Setting<int> ProxyTimeoutSeconds = WholeNumber(Keys.ProxyTimeoutSeconds, MatomoProxySettings.DefaultTimeoutSeconds, 1, 300,
            "a whole number of seconds from 1 to 300, such as 5", onlyWith: ProxyPath);

        public static readonly Setting<int> ProxyScriptMaxAgeSeconds = WholeNumber(Keys.ProxyScriptMaxAgeSeconds, MatomoProxySettings.DefaultScriptMaxAgeSeconds,
            60, 31536000, "a whole number of seconds from 60 to 31536000, such as 86400", onlyWith: ProxyPath);

        public static readonly Setting<bool> ProxyTuneProcess = Bool(Keys.ProxyTuneProcess, true, onlyWith: ProxyPath);

        public static readonly Setting<bool> ProxyQueued = new Setting<bool>(Keys.ProxyDelivery, "queued or direct",
            i => Pick(i, new[] { "queued", "direct" }, new[] { true, false }), _ => true, onlyWith: ProxyPath);

        // ---- delivery: the outbox of server-side (and queued proxy) hits ----

        public static readonly Setting<Uri> DeliveryUpstream = new Setting<Uri>(Keys.DeliveryUpstream, UpstreamForm, ParseUpstream,
            i => i.Get(ProxyUpstream) ?? (i.Get(DomainPath) is string domainPath ? new Uri("https://" + domainPath + "/") : null),
            secret: true);

        public static readonly Setting<string> DeliveryTokenAuth = new Setting<string>(Keys.TokenAuth, ProxyTokenAuth.Form,
            i => IsToken(i.Value) ? i.Value : throw i.Refuse(), Unset<string>, fallbackKey: Keys.ProxyTokenAuth, secret: true);

        public static readonly Setting<string> DeliveryFolder = new Setting<string>(Keys.DeliveryFolder,
            "a folder for the delivery spool: app-relative (such as ~/App_Data/matomo-outbox) or absolute, without '..'",
            i => IsFolder(i.Value) ? i.Value : throw i.Refuse(), _ => "~/App_Data/matomo-outbox");

        public static readonly Setting<int> DeliveryMaxMegabytes = WholeNumber(Keys.DeliveryMaxMegabytes, 100, 1, 100000,
            "a whole number of megabytes from 1 to 100000, such as 100");

        public static readonly Setting<int?> DeliveryRawDataDays = WholeNumber(Keys.DeliveryRawDataDays, 1, 36500,
            "a whole number of days from 1 (Matomo's \"delete old raw data\" window), such as 180");

        // ---- the table ----

        /// <summary>Every definition above, in the order they are declared (and read).</summary>
        public static readonly IReadOnlyList<Setting> All = Collect();

        /// <summary>Every key read: each setting's key and fallback key.</summary>
        public static readonly string[] AllKeys = All.SelectMany(s => s.FallbackKey == null ? new[] { s.Key } : new[] { s.Key, s.FallbackKey }).Distinct().ToArray();

        private static IReadOnlyList<Setting> Collect() =>
            // Declaration order is metadata order: the order in which the fields are initialised, and so read.
            Number(typeof(SettingTable).GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => typeof(Setting).IsAssignableFrom(f.FieldType))
                .OrderBy(f => f.MetadataToken)
                .Select(f => (Setting)f.GetValue(null))
                .ToArray());

        /// <summary>Gives each setting its place in a table: its <see cref="Setting.Index"/>. A setting belongs to one table.</summary>
        internal static IReadOnlyList<Setting> Number(params Setting[] settings)
        {
            for (int i = 0; i < settings.Length; i++)
            {
                if (settings[i].Index >= 0) throw new InvalidOperationException(settings[i].Key + " is already in a table.");
                settings[i].Index = i;
            }
            if (settings.Select(s => s.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count() != settings.Length)
                throw new InvalidOperationException("A key is defined twice.");
            return Array.AsReadOnly(settings);
        }

        // ---- the kinds of setting ----

        private static readonly IReadOnlyList<string> None = new string[0];

        private static T Unset<T>(SettingInput input) => default(T);

        internal static Setting<bool> Bool(string key, bool byDefault, Func<SettingInput, bool, bool> check = null, Setting onlyWith = null) =>
            new Setting<bool>(key, "true or false", i =>
            {
                bool value = Pick(i, BoolNames, BoolValues);
                return check == null ? value : check(i, value);
            }, _ => byDefault, onlyWith: onlyWith);

        internal static Setting<int?> WholeNumber(string key, int min, int max, string form) =>
            new Setting<int?>(key, form, i => ParseWholeNumber(i, min, max), Unset<int?>);

        internal static Setting<int> WholeNumber(string key, int byDefault, int min, int max, string form, Setting onlyWith = null) =>
            new Setting<int>(key, form, i => ParseWholeNumber(i, min, max), _ => byDefault, onlyWith: onlyWith);

        private static int ParseWholeNumber(SettingInput i, int min, int max) =>
            ListSyntax.TryParseNatural(i.Value, out int n) && n >= min && n <= max ? n : throw i.Refuse();

        private static readonly string[] BoolNames = { "true", "false" };
        private static readonly bool[] BoolValues = { true, false };

        internal static Setting<T> Choice<T>(string key, T byDefault, string[] names, T[] values) =>
            new Setting<T>(key, ChoiceForm(names), i => Pick(i, names, values), _ => byDefault);

        /// <summary>One of a few words (case-insensitive): <paramref name="names"/>[i] stands for <paramref name="values"/>[i].</summary>
        private static T Pick<T>(SettingInput input, string[] names, T[] values)
        {
            for (int i = 0; i < names.Length; i++)
                if (input.Value.Equals(names[i], StringComparison.OrdinalIgnoreCase)) return values[i];
            throw input.Refuse(ChoiceForm(names), null, true);
        }

        private static string ChoiceForm(string[] names) => string.Join(", ", names, 0, names.Length - 1) + " or " + names[names.Length - 1];

        private static Setting<IpRangeList> IpList(string key, Func<SettingInput, IpRangeList> byDefault, string fallbackKey = null) =>
            new Setting<IpRangeList>(key,
                "IPv4/IPv6 addresses and CIDR ranges separated by commas or spaces, such as 10.0.0.0/8, 192.0.2.7, 2001:db8::/32",
                i => IpRangeList.TryParse(i.Value, out IpRangeList list, out string error) ? list : throw i.Refuse(error),
                byDefault, fallbackKey: fallbackKey);

        private static Setting<string> RelativePath(string key, string byDefault) =>
            new Setting<string>(key,
                "a path relative to matomo:DomainPath, without scheme, leading slash, query or '..', such as matomo.php or js/tracker.js",
                i => IsRelativePath(i.Value) ? i.Value : throw i.Refuse(), _ => byDefault);

        // ---- the parsers of single settings ----

        private static readonly Regex DomainPathRegex = new Regex(
            @"^(?:(?<host>[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*)|\[(?<v6>[0-9A-Fa-f:.]+)\])(?::(?<port>[0-9]{1,5}))?(?<path>(?:/[A-Za-z0-9._~%!$()*+,;=@-]+)*)\z",
            RegexOptions.CultureInvariant);
        private static readonly Regex RelativePathRegex = new Regex(
            @"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\z", RegexOptions.CultureInvariant);
        private static readonly Regex ContainerIdRegex = new Regex(@"^[A-Za-z0-9]{8}\z", RegexOptions.CultureInvariant);
        private static readonly Regex HostRegex = new Regex(
            @"^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\z", RegexOptions.CultureInvariant);
        private static readonly Regex DomainRegex = new Regex(
            @"^(?:\*\.)?[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*(?:/[A-Za-z0-9._~%!$()*+,;=@-]*)*\z",
            RegexOptions.CultureInvariant);
        private static readonly Regex ExcludedPathRegex = new Regex(@"^~(?:/[A-Za-z0-9._~%!$()*+,;=@-]+)*/?\z", RegexOptions.CultureInvariant);

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

        private static bool IsRelativePath(string value) =>
            RelativePathRegex.IsMatch(value) && !value.Split('/').Any(segment => segment == "." || segment == "..");

        /// <summary>An app-relative (<c>~/...</c>) or absolute folder path without <c>..</c> segments or invalid characters.</summary>
        private static bool IsFolder(string value)
        {
            if (value.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0 || value.IndexOf('\0') >= 0) return false;
            if (value.Replace('\\', '/').Split('/').Any(segment => segment == "..")) return false;
            return value.StartsWith("~/", StringComparison.Ordinal) && value.Length > 2 || System.IO.Path.IsPathRooted(value);
        }

        private static bool HasDotSegment(string value) => value.Split('/').Any(segment => segment == "." || segment == "..");

        private static IReadOnlyList<MatomoAdditionalTracker> ParseAdditionalTrackers(SettingInput i)
        {
            var trackers = new List<MatomoAdditionalTracker>();
            foreach (string entry in ListSyntax.Split(i.Value))
            {
                int bar = entry.IndexOf('|');
                string domain = bar < 0 ? null : entry.Substring(0, bar);
                string id = bar < 0 ? entry : entry.Substring(bar + 1);
                if (domain != null && !IsValidDomainPath(domain) || !ListSyntax.TryParseNatural(id, out int siteId) || siteId < 1)
                    throw i.Refuse("'" + entry + "' is not");
                trackers.Add(new MatomoAdditionalTracker(domain, siteId));
            }
            return trackers.AsReadOnly();
        }

        /// <summary>Comma-separated (role names may hold spaces); each trimmed, none empty or holding control characters.</summary>
        private static IReadOnlyList<string> ParseRoles(SettingInput i)
        {
            var roles = new List<string>();
            foreach (string part in i.Value.Split(','))
            {
                string role = part.Trim();
                if (role.Length == 0 || role.Any(char.IsControl)) throw i.Refuse();
                roles.Add(role);
            }
            return roles.AsReadOnly();
        }

        /// <summary><c>~/admin</c>, <c>~/admin/</c> (kept without the trailing slash) or <c>~/</c> (the whole site).</summary>
        private static IReadOnlyList<string> ParseExcludedPaths(SettingInput i)
        {
            var paths = new List<string>();
            foreach (string entry in ListSyntax.Split(i.Value))
            {
                if (!ExcludedPathRegex.IsMatch(entry) || HasDotSegment(entry))
                    throw i.Refuse(ExcludedPaths.Form + " ('" + entry + "' is not)", null, true);
                paths.Add(entry.Length > 2 ? entry.TrimEnd('/') : "~/");
            }
            return paths.AsReadOnly();
        }

        private static string ParseCookieDomain(SettingInput i)
        {
            string value = i.Value;
            string host = value.StartsWith("*.", StringComparison.Ordinal) ? value.Substring(2) : value.StartsWith(".", StringComparison.Ordinal) ? value.Substring(1) : value;
            return HostRegex.IsMatch(host) ? value : throw i.Refuse();
        }

        private static IReadOnlyList<string> ParseDomains(SettingInput i)
        {
            var domains = new List<string>();
            foreach (string entry in ListSyntax.Split(i.Value))
            {
                if (!DomainRegex.IsMatch(entry) || HasDotSegment(entry))
                    throw i.Refuse(Domains.Form + " ('" + entry + "' is not)", null, true);
                domains.Add(entry);
            }
            return domains.AsReadOnly();
        }

        private static Uri ParseUpstream(SettingInput i)
        {
            string value = i.Value;
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
            // Never quoted (the setting is secret): a refused URL may carry a user name and password (http://user:password@host/).
            throw i.Refuse("the value is not shown: it may hold a password");
        }

        /// <summary>Printable token characters only (Matomo's tokens are hex), at most 256.</summary>
        private static bool IsToken(string value)
        {
            if (value.Length > 256) return false;
            foreach (char c in value)
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~')) return false;
            return true;
        }
    }
}
