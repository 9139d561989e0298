using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Configuration;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Hostile
{
    /// <summary>
    /// Every appSettings key with generated values: a value that cannot be valid for the key fails with
    /// <see cref="MatomoConfigurationException"/> naming that key; a value that is valid is applied; nothing ever
    /// throws another exception type, and a failure yields no settings object at all (nothing half-applied).
    /// </summary>
    [TestFixture]
    public class ConfigurationProperties
    {
        private static readonly string[] Booleans =
        {
            MatomoSettings.Keys.DisableCookies, MatomoSettings.Keys.AutoIdentify, MatomoSettings.Keys.RespectDoNotTrack,
            MatomoSettings.Keys.EnableLinkTracking, MatomoSettings.Keys.UseHttps,
            MatomoSettings.Keys.SecureCookie, MatomoSettings.Keys.EnableJSErrorTracking, MatomoSettings.Keys.ProxyTuneProcess,
        };

        private static readonly string[] IpLists = { MatomoSettings.Keys.InternalIps, MatomoSettings.Keys.AnalyticalInternalIps, MatomoSettings.Keys.TrustedProxies };

        /// <summary>
        /// Whether <paramref name="value"/> can be valid for <paramref name="key"/>: false when it holds something the
        /// key's documented form never allows; null when it may or may not be (then either outcome is accepted, but a
        /// failure must still be a MatomoConfigurationException naming the key); true when it is surely valid.
        /// </summary>
        private static bool? CanBeValid(string key, string value)
        {
            string v = value.Trim();
            if (v.Length == 0) return true; // empty or white space: unset, the default applies
            bool Poisoned(Func<char, bool> allowed) => v.Any(c => !allowed(c));
            bool AsciiAlnum(char c) => c < 128 && char.IsLetterOrDigit(c);
            switch (key)
            {
                case MatomoSettings.Keys.NonceItemKey:
                    return true; // any name of an HttpContext.Items entry
                case MatomoSettings.Keys.SiteId:
                    return Poisoned(c => c >= '0' && c <= '9') ? false : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id >= 1 : (bool?)false;
                case MatomoSettings.Keys.HeartBeatSeconds:
                    return Poisoned(c => c >= '0' && c <= '9') ? false : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s <= 86400 : (bool?)false;
                case MatomoSettings.Keys.ForwardedHeader:
                    return ForwardedHeaderWords.Any(w => w.Equals(v, StringComparison.OrdinalIgnoreCase));
                case MatomoSettings.Keys.RequireConsent:
                    return ConsentWords.Any(w => w.Equals(v, StringComparison.OrdinalIgnoreCase));
                case MatomoSettings.Keys.ContainerId:
                    return v.Length == 8 && v.All(AsciiAlnum);
                case MatomoSettings.Keys.DomainPath:
                    return Poisoned(c => AsciiAlnum(c) || "._-:/[]~%!$()*+,;=@".IndexOf(c) >= 0) ? false : (bool?)null;
                case MatomoSettings.Keys.TrackerPath:
                case MatomoSettings.Keys.ScriptPath:
                    return Poisoned(c => AsciiAlnum(c) || "._~-/".IndexOf(c) >= 0) || v.StartsWith("/") ? false : (bool?)null;
                case MatomoSettings.Keys.AdditionalTrackers:
                    return Poisoned(c => AsciiAlnum(c) || "._-:/[]~%!$()*+=@|, \t\r\n;".IndexOf(c) >= 0) ? false : (bool?)null;
                case MatomoSettings.Keys.ProxyPath:
                    return Poisoned(c => AsciiAlnum(c) || "._~-/".IndexOf(c) >= 0) ? false : (bool?)null;
                case MatomoSettings.Keys.ProxyUpstream:
                    return null;
                case MatomoSettings.Keys.ProxyTokenAuth:
                    return v.Length <= 256 && !Poisoned(c => AsciiAlnum(c) || "-._~".IndexOf(c) >= 0);
                case MatomoSettings.Keys.ProxyTimeoutSeconds:
                    return Poisoned(c => c >= '0' && c <= '9') ? false : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int t) ? t >= 1 && t <= 300 : (bool?)false;
                case MatomoSettings.Keys.ProxyScriptMaxAgeSeconds:
                    return Poisoned(c => c >= '0' && c <= '9') ? false : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int a) ? a >= 60 && a <= 31536000 : (bool?)false;
                case MatomoSettings.Keys.ProxyDelivery:
                    return new[] { "queued", "direct" }.Contains(v.ToLowerInvariant());
                // Delivery.
                case MatomoSettings.Keys.DeliveryUpstream:
                    return null;
                case MatomoSettings.Keys.TokenAuth:
                    return v.Length <= 256 && !Poisoned(c => AsciiAlnum(c) || "-._~".IndexOf(c) >= 0);
                case MatomoSettings.Keys.DeliveryFolder:
                    return v.Contains("..") || v.Contains("\0") ? false : (bool?)null;
                case MatomoSettings.Keys.DeliveryMaxMegabytes:
                    return Poisoned(c => c >= '0' && c <= '9') ? false : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int mb) ? mb >= 1 && mb <= 100000 : (bool?)false;
                case MatomoSettings.Keys.DeliveryRawDataDays:
                    return Poisoned(c => c >= '0' && c <= '9') ? false : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int days) ? days >= 1 && days <= 36500 : (bool?)false;
                // The page API's keys.
                case MatomoSettings.Keys.ExcludedRoles:
                    return v.Split(',').Select(role => role.Trim()).All(role => role.Length > 0 && !role.Any(char.IsControl));
                case MatomoSettings.Keys.ExcludedPaths:
                    return Poisoned(c => AsciiAlnum(c) || "._~-/%!$()*+,;=@ \t\r\n".IndexOf(c) >= 0)
                        || v.Split(new[] { ',', ';', ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Any(p => !p.StartsWith("~")) ? false : (bool?)null;
                case MatomoSettings.Keys.CookieDomain:
                    return Poisoned(c => AsciiAlnum(c) || "._-*".IndexOf(c) >= 0) ? false : (bool?)null;
                case MatomoSettings.Keys.Domains:
                    return Poisoned(c => AsciiAlnum(c) || "._-*/~%!$()+=@, \t\r\n;".IndexOf(c) >= 0) ? false : (bool?)null;
                case MatomoSettings.Keys.CrossDomainLinking:
                    return v.Equals("false", StringComparison.OrdinalIgnoreCase); // true needs matomo:Domains, which Base() lacks
                case MatomoSettings.Keys.VisitorCookieTimeout:
                    return Poisoned(c => c >= '0' && c <= '9') ? false : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int timeout) ? timeout >= 1 : (bool?)false;
                case MatomoSettings.Keys.CookieSameSite:
                    return new[] { "lax", "strict" }.Contains(v.ToLowerInvariant()); // None needs matomo:SecureCookie, which Base() lacks
            }
            if (Booleans.Contains(key)) return v.Equals("true", StringComparison.OrdinalIgnoreCase) || v.Equals("false", StringComparison.OrdinalIgnoreCase);
            if (IpLists.Contains(key)) return ListEntries(v).All(IsAddressOrRange);
            throw new ArgumentException("no oracle for " + key);
        }

        private static readonly string[] ForwardedHeaderWords = { "auto", "X-Forwarded-For", "Forwarded" };
        private static readonly string[] ConsentWords = { "none", "tracking", "cookies" };

        /// <summary>The entries of a list setting: separated by commas, semicolons and white space.</summary>
        private static string[] ListEntries(string v) => v.Split(new[] { ',', ';', ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);

        private static readonly Regex DottedQuad = new Regex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\z");

        /// <summary>
        /// An IP list entry by the documented form: a dotted quad without leading zeros, or IPv6 text (without a zone;
        /// an embedded dotted quad by the same rule), optionally followed by /prefix, 0 to 32 or 0 to 128.
        /// </summary>
        private static bool IsAddressOrRange(string entry)
        {
            string[] parts = entry.Split('/');
            if (parts.Length > 2) return false;
            string address = parts[0];
            int max;
            if (DottedQuad.IsMatch(address)) max = 32;
            else if (address.Contains(":") && Regex.IsMatch(address, @"^[0-9A-Fa-f:.]+\z")
                     && (!address.Substring(address.LastIndexOf(':') + 1).Contains(".") || DottedQuad.IsMatch(address.Substring(address.LastIndexOf(':') + 1)))
                     && IPAddress.TryParse(address, out IPAddress v6) && v6.AddressFamily == AddressFamily.InterNetworkV6) max = 128;
            else return false;
            if (parts.Length == 1) return true;
            return Regex.IsMatch(parts[1], @"^[0-9]{1,3}\z") && int.Parse(parts[1], CultureInfo.InvariantCulture) <= max;
        }

        /// <summary>Valid values per key, so that the valid side of each key is exercised too.</summary>
        private static Gen<string> ValidValue(string key)
        {
            switch (key)
            {
                case MatomoSettings.Keys.SiteId: return Gen.Choose(1, int.MaxValue).Select(i => i.ToString(CultureInfo.InvariantCulture));
                case MatomoSettings.Keys.HeartBeatSeconds: return Gen.Choose(0, 86400).Select(i => i.ToString(CultureInfo.InvariantCulture));
                case MatomoSettings.Keys.ForwardedHeader: return Gen.Elements("auto", "AUTO", "X-Forwarded-For", "x-forwarded-for", "Forwarded", " forwarded ");
                case MatomoSettings.Keys.RequireConsent: return Gen.Elements("none", "Tracking", "COOKIES", " cookies ");
                case MatomoSettings.Keys.ContainerId: return Gen.Elements("aBcD1234", "00000000", "ZZZZzzzz");
                case MatomoSettings.Keys.DomainPath: return Gen.Elements("matomo.example.com", "example.com:8080/matomo", "[2001:db8::1]:443/m", "a_b.example/x/y",
                    "Matomo.Example.COM:65535", "[2001:db8:85a3::8a2e:370:7334]/matomo", "[::ffff:192.0.2.1]:8443", "192.0.2.1/a.b/~c");
                case MatomoSettings.Keys.TrackerPath:
                case MatomoSettings.Keys.ScriptPath: return Gen.Elements("matomo.php", "js/tracker.js", "a/b/c.x", "piwik.js", "Js/Tracker.JS", "a-b_c~d/e.f..g");
                case MatomoSettings.Keys.AdditionalTrackers: return Gen.Elements("7", "7, other.example.com|3", "a.example|1;b.example:81/m|2", "Other.Example.COM|3 2147483647",
                    "[2001:db8:85a3::8a2e:370:7334]:8080/x|5");
                case MatomoSettings.Keys.NonceItemKey: return Nasty.String;
                case MatomoSettings.Keys.ProxyPath: return Gen.Elements("insights", "/insights/", "assets/stats", "a.b_c~d-e");
                case MatomoSettings.Keys.ProxyUpstream: return Gen.Elements("http://matomo.internal:8080/matomo/", "https://10.0.0.5", "http://[::1]:81/m");
                case MatomoSettings.Keys.ProxyTokenAuth: return Gen.Elements("0123456789abcdef0123456789abcdef", "a", "A-b.c_d~e");
                case MatomoSettings.Keys.ProxyTimeoutSeconds: return Gen.Choose(1, 300).Select(i => i.ToString(CultureInfo.InvariantCulture));
                case MatomoSettings.Keys.ProxyScriptMaxAgeSeconds: return Gen.Choose(60, 31536000).Select(i => i.ToString(CultureInfo.InvariantCulture));
                case MatomoSettings.Keys.ProxyDelivery: return Gen.Elements("queued", "DIRECT", " direct ");
                case MatomoSettings.Keys.DeliveryUpstream: return Gen.Elements("http://matomo.internal:8080/matomo/", "https://10.0.0.5", "http://[::1]:81/m");
                case MatomoSettings.Keys.TokenAuth: return Gen.Elements("0123456789abcdef0123456789abcdef", "a", "A-b.c_d~e");
                case MatomoSettings.Keys.DeliveryFolder: return Gen.Elements("~/App_Data/matomo-outbox", "/var/spool/matomo", "~/x");
                case MatomoSettings.Keys.DeliveryMaxMegabytes: return Gen.Choose(1, 100000).Select(i => i.ToString(CultureInfo.InvariantCulture));
                case MatomoSettings.Keys.DeliveryRawDataDays: return Gen.Choose(1, 36500).Select(i => i.ToString(CultureInfo.InvariantCulture));
                case MatomoSettings.Keys.ExcludedRoles: return Gen.Elements("Administrators", "Admins, Content Editors", " staff ;x ");
                case MatomoSettings.Keys.ExcludedPaths: return Gen.Elements("~/admin", "~/admin/, ~/internal/reports", "~/", "~/a;~/b");
                case MatomoSettings.Keys.CookieDomain: return Gen.Elements("*.example.com", ".example.com", "example.com", "a_b.example");
                case MatomoSettings.Keys.Domains: return Gen.Elements("*.example.com", "example.com, shop.example.org/store", "a.example;b.example/x/y");
                case MatomoSettings.Keys.CrossDomainLinking: return Gen.Elements("false", "FALSE", " False ");
                case MatomoSettings.Keys.VisitorCookieTimeout: return Gen.Choose(1, int.MaxValue).Select(i => i.ToString(CultureInfo.InvariantCulture));
                case MatomoSettings.Keys.CookieSameSite: return Gen.Elements("Lax", "strict", " STRICT ");
            }
            if (Booleans.Contains(key)) return Gen.Elements("true", "false", "TRUE", " False ");
            if (IpLists.Contains(key)) return Gen.Elements("10.0.0.0/8", "192.0.2.7, 2001:db8::/32", "::1;127.0.0.1 fe80::/10", "0.0.0.0/0", "::/0",
                "2001:db8::1/128;::ffff:10.0.0.0/104\t203.0.113.255/32", "::ffff:192.0.2.1 fe80::/010");
            throw new ArgumentException(key);
        }

        private static readonly string[] Keys = MatomoSettings.Keys.All;

        public sealed class Case
        {
            public string Key;
            public string Value;
            /// <summary>One of <see cref="ValidValue"/>'s values as it is: it must be accepted.</summary>
            public bool Valid;
            public override string ToString() => $"{Key} = {Nasty.Show(Value)}";
        }

        private static readonly Gen<Case> Cases =
            from key in Gen.Elements(Keys)
            from value in Gen.Frequency(
                (6, Nasty.String.Select(v => (Text: v, Valid: false))),
                (2, ValidValue(key).Select(v => (Text: v, Valid: true))),
                (2, ValidValue(key).SelectMany(v => Nasty.String.Select(n => (Text: v + n, Valid: false)))), // a valid value spoiled at the end
                (1, ValidValue(key).SelectMany(v => Nasty.String.Select(n => (Text: n + v, Valid: false)))))
            select new Case { Key = key, Value = value.Text, Valid = value.Valid };

        private static NameValueCollection Base() => new NameValueCollection
        {
            { MatomoSettings.Keys.DomainPath, "matomo.example.com" },
            { MatomoSettings.Keys.SiteId, "4" },
        };

        [Test]
        public void Every_key_with_generated_values_fails_only_with_MatomoConfigurationException_naming_it()
        {
            int invalid = 0, valid = 0;
            var validPerKey = new HashSet<string>();
            Nasty.Check(Cases, 4000, c =>
            {
                var appSettings = Base();
                // The other proxy keys are read only with the proxy on.
                if (c.Key.StartsWith("matomo:Proxy", StringComparison.Ordinal) && c.Key != MatomoSettings.Keys.ProxyPath)
                    appSettings[MatomoSettings.Keys.ProxyPath] = "insights";
                appSettings[c.Key] = c.Value;
                bool? canBeValid = c.Valid ? true : CanBeValid(c.Key, c.Value);
                MatomoSettings settings = null;
                try
                {
                    settings = MatomoSettings.FromAppSettings(appSettings);
                }
                catch (MatomoConfigurationException e)
                {
                    invalid++;
                    Assert.That(e.Key, Is.EqualTo(c.Key), c.ToString());
                    Assert.That(e.Message, Does.Contain("'" + c.Key + "'"), c.ToString());
                    Assert.That(canBeValid != true, $"a valid value was refused: {e.Message}\n{c}");
                    return;
                }
                catch (Exception e)
                {
                    Assert.Fail($"{e.GetType().FullName} instead of MatomoConfigurationException: {e.Message}\n{c}");
                }
                valid++;
                Assert.That(canBeValid != false, $"an invalid value was accepted\n{c}");
                AssertApplied(settings, appSettings, c.ToString());
                if (c.Valid) validPerKey.Add(c.Key);
            });
            TestContext.Progress.WriteLine($"configuration cases: {invalid} refused, {valid} accepted");
            Assert.That(invalid, Is.GreaterThan(1000));
            Assert.That(valid, Is.GreaterThan(400));
            Assert.That(validPerKey, Is.EquivalentTo(Keys), "each key's own valid values were tried and accepted");
        }

        /// <summary>
        /// An accepted value is the one in force, and every other setting keeps what the base configuration (domain
        /// path and site id, perhaps the proxy path) or its documented default gives it: each of the settings is
        /// checked, every time.
        /// </summary>
        private static void AssertApplied(MatomoSettings s, NameValueCollection appSettings, string context)
        {
            // What web.config says for a key: the value around white space; empty means unset.
            string Set(string k) => string.IsNullOrEmpty(appSettings[k]?.Trim()) ? null : appSettings[k].Trim();
            bool Flag(string k, bool unset) => Set(k) == null ? unset : Set(k).Equals("true", StringComparison.OrdinalIgnoreCase);
            int Number(string k, int unset) => Set(k) == null ? unset : int.Parse(Set(k), NumberStyles.None, CultureInfo.InvariantCulture);
            T Choice<T>(string k, string[] words, T[] values, T unset) => Set(k) == null ? unset : values[Array.FindIndex(words, w => w.Equals(Set(k), StringComparison.OrdinalIgnoreCase))];

            Assert.That(s.DomainPath, Is.EqualTo(Set(MatomoSettings.Keys.DomainPath)), context);
            Assert.That(s.SiteId, Is.EqualTo(Set(MatomoSettings.Keys.SiteId) == null ? (int?)null : Number(MatomoSettings.Keys.SiteId, 0)), context);
            Assert.That(s.DisableCookies, Is.EqualTo(Flag(MatomoSettings.Keys.DisableCookies, false)), context);
            Assert.That(s.AutoIdentify, Is.EqualTo(Flag(MatomoSettings.Keys.AutoIdentify, true)), context);
            Assert.That(s.RespectDoNotTrack, Is.EqualTo(Flag(MatomoSettings.Keys.RespectDoNotTrack, false)), context);
            Assert.That(s.EnableLinkTracking, Is.EqualTo(Flag(MatomoSettings.Keys.EnableLinkTracking, true)), context);
            Assert.That(s.UseHttps, Is.EqualTo(Flag(MatomoSettings.Keys.UseHttps, false)), context);
            Assert.That(s.HeartBeatSeconds, Is.EqualTo(Number(MatomoSettings.Keys.HeartBeatSeconds, 0)), context);
            Assert.That(s.NonceItemKey, Is.EqualTo(Set(MatomoSettings.Keys.NonceItemKey)), context);
            Assert.That(s.ContainerId, Is.EqualTo(Set(MatomoSettings.Keys.ContainerId)), context);
            Assert.That(s.TrackerPath, Is.EqualTo(Set(MatomoSettings.Keys.TrackerPath) ?? "matomo.php"), context);
            Assert.That(s.ScriptPath, Is.EqualTo(Set(MatomoSettings.Keys.ScriptPath) ?? "matomo.js"), context);
            Assert.That(s.ForwardedHeader, Is.EqualTo(Choice(MatomoSettings.Keys.ForwardedHeader, ForwardedHeaderWords,
                new[] { ForwardedHeaderKind.Auto, ForwardedHeaderKind.XForwardedFor, ForwardedHeaderKind.Forwarded }, ForwardedHeaderKind.Auto)), context);
            Assert.That(s.RequireConsent, Is.EqualTo(Choice(MatomoSettings.Keys.RequireConsent, ConsentWords,
                new[] { MatomoConsentMode.None, MatomoConsentMode.Tracking, MatomoConsentMode.Cookies }, MatomoConsentMode.None)), context);

            // Additional trackers: siteId or domainPath|siteId entries.
            var trackers = ListEntries(Set(MatomoSettings.Keys.AdditionalTrackers) ?? "").Select(e => e.Split('|'))
                .Select(p => p.Length == 1 ? ((string)null, int.Parse(p[0], CultureInfo.InvariantCulture)) : (p[0], int.Parse(p[1], CultureInfo.InvariantCulture)));
            Assert.That(s.AdditionalTrackers.Select(t => (t.DomainPath, t.SiteId)), Is.EqualTo(trackers), context);

            // IP lists: the entries as written, and each single address in force.
            string internalIps = Set(MatomoSettings.Keys.InternalIps) ?? Set(MatomoSettings.Keys.AnalyticalInternalIps) ?? "";
            string trustedProxies = Set(MatomoSettings.Keys.TrustedProxies) ?? MatomoSettings.DefaultTrustedProxies;
            foreach (var (list, written) in new[] { (s.InternalIps, internalIps), (s.TrustedProxies, trustedProxies) })
            {
                Assert.That(list.Entries, Is.EqualTo(ListEntries(written)), context);
                foreach (string entry in ListEntries(written).Where(e => !e.Contains("/")))
                    Assert.That(list.Contains(IPAddress.Parse(entry)), Is.True, entry + " in " + context);
            }

            // Exclusion and cookie settings (the typed page API's keys).
            string[] Listed(string k, params char[] separators) =>
                (Set(k) ?? "").Split(separators, StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()).Where(e => e.Length > 0).ToArray();
            Assert.That(s.ExcludedRoles, Is.EqualTo(Listed(MatomoSettings.Keys.ExcludedRoles, ',')), context);
            Assert.That(s.ExcludedPaths, Is.EqualTo(ListEntries(Set(MatomoSettings.Keys.ExcludedPaths) ?? "").Select(p => p.Length > 2 ? p.TrimEnd('/') : "~/")), context);
            Assert.That(s.CookieDomain, Is.EqualTo(Set(MatomoSettings.Keys.CookieDomain)), context);
            Assert.That(s.Domains, Is.EqualTo(ListEntries(Set(MatomoSettings.Keys.Domains) ?? "")), context);
            Assert.That(s.CrossDomainLinking, Is.EqualTo(Flag(MatomoSettings.Keys.CrossDomainLinking, false)), context);
            Assert.That(s.VisitorCookieTimeout, Is.EqualTo(Set(MatomoSettings.Keys.VisitorCookieTimeout) == null ? (int?)null : Number(MatomoSettings.Keys.VisitorCookieTimeout, 0)), context);
            Assert.That(s.SecureCookie, Is.EqualTo(Flag(MatomoSettings.Keys.SecureCookie, false)), context);
            Assert.That(s.CookieSameSite?.ToString(), Is.EqualTo(Set(MatomoSettings.Keys.CookieSameSite)).IgnoreCase, context);
            Assert.That(s.EnableJSErrorTracking, Is.EqualTo(Flag(MatomoSettings.Keys.EnableJSErrorTracking, false)), context);

            // The tracker proxy: there exactly when its path is set.
            string proxyPath = Set(MatomoSettings.Keys.ProxyPath)?.Trim('/');
            Assert.That(s.Proxy == null, Is.EqualTo(proxyPath == null), context);
            if (s.Proxy == null) return;
            Assert.That(s.Proxy.Path, Is.EqualTo(proxyPath), context);
            Assert.That(s.Proxy.PublicPath, Is.EqualTo("/" + proxyPath + "/"), context);
            string upstream = Set(MatomoSettings.Keys.ProxyUpstream) ?? "https://" + Set(MatomoSettings.Keys.DomainPath) + "/";
            string absolute = new Uri(upstream, UriKind.Absolute).AbsoluteUri;
            Assert.That(s.Proxy.Upstream.AbsoluteUri, Is.EqualTo(absolute.EndsWith("/") ? absolute : absolute + "/"), "upstream, ending in /: " + context);
            Assert.That(s.Proxy.HasTokenAuth, Is.EqualTo(Set(MatomoSettings.Keys.ProxyTokenAuth) != null), context);
            Assert.That(s.Proxy.TokenAuth, Is.EqualTo(Set(MatomoSettings.Keys.ProxyTokenAuth)), context);
            Assert.That(s.Proxy.TimeoutSeconds, Is.EqualTo(Number(MatomoSettings.Keys.ProxyTimeoutSeconds, MatomoProxySettings.DefaultTimeoutSeconds)), context);
            Assert.That(s.Proxy.ScriptMaxAgeSeconds, Is.EqualTo(Number(MatomoSettings.Keys.ProxyScriptMaxAgeSeconds, MatomoProxySettings.DefaultScriptMaxAgeSeconds)), context);
        }

        /// <summary>
        /// A known key's name with one or two random insertions, deletions or substitutions, or with two neighbours
        /// swapped (a swap alone: a swap combined with an edit inside it can count as three).
        /// </summary>
        private static readonly Gen<string> NearMiss =
            from known in Gen.Elements(Keys.Where(k => k.StartsWith("matomo:")).Select(k => k.Substring(7)).ToArray())
            from edits in Gen.Choose(1, 2)
            from seed in Gen.Choose(0, int.MaxValue)
            select Edit(known, edits, new Random(seed));

        private static string Edit(string name, int edits, Random random)
        {
            var chars = name.ToList();
            if (random.Next(4) == 0)
            {
                int at = random.Next(chars.Count - 1);
                char c = chars[at];
                chars[at] = chars[at + 1];
                chars[at + 1] = c;
                return new string(chars.ToArray());
            }
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(chars.Count);
                char other = (char)('a' + random.Next(26));
                switch (random.Next(3))
                {
                    case 0: chars.Insert(at, other); break;
                    case 1: chars.RemoveAt(at); break;
                    default: chars[at] = other; break;
                }
            }
            return new string(chars.ToArray());
        }

        [Test]
        public void Near_misses_of_matomo_keys_fail_naming_themselves_and_the_key_meant()
        {
            // A longer name that starts with one of ours is the site's own key, not a typo (matomo:SiteIdSecret).
            bool ExtendsOurs(string s) => Keys.Any(k => s.Length > k.Length - 7 && s.StartsWith(k.Substring(7), StringComparison.OrdinalIgnoreCase));
            Nasty.Check(NearMiss.Where(s => !Keys.Contains("matomo:" + s, StringComparer.OrdinalIgnoreCase) && !ExtendsOurs(s)), 500, name =>
            {
                var appSettings = Base();
                appSettings["matomo:" + name] = "x";
                var e = Assert.Throws<MatomoConfigurationException>(() => MatomoSettings.FromAppSettings(appSettings), Nasty.Show(name));
                Assert.That(e.Key, Is.EqualTo("matomo:" + name));
                Assert.That(e.Message, Does.Contain("did you mean matomo:"));
            });
        }

        [Test]
        public void Any_other_matomo_key_never_fails_with_another_exception()
        {
            Nasty.Check(Nasty.String.Where(s => !Keys.Contains("matomo:" + s, StringComparer.OrdinalIgnoreCase)), 500, suffix =>
            {
                var appSettings = Base();
                appSettings["matomo:" + suffix] = "x";
                try
                {
                    MatomoSettings settings = MatomoSettings.FromAppSettings(appSettings);
                    Assert.That(settings.SiteId, Is.EqualTo(4), "the other settings are applied");
                }
                catch (MatomoConfigurationException e)
                {
                    Assert.That(e.Key, Is.EqualTo("matomo:" + suffix));
                    Assert.That(e.Message, Does.Contain("did you mean matomo:"), "refused only as a likely typo");
                }
            });
        }
    }
}
