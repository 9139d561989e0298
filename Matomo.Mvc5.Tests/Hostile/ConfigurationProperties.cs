using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
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
            MatomoSettings.Keys.SecureCookie, MatomoSettings.Keys.EnableJSErrorTracking,
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
                    return new[] { "auto", "x-forwarded-for", "forwarded" }.Contains(v.ToLowerInvariant());
                case MatomoSettings.Keys.RequireConsent:
                    return new[] { "none", "tracking", "cookies" }.Contains(v.ToLowerInvariant());
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
                // The page API's keys (issue 10).
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
            if (IpLists.Contains(key)) return Poisoned(c => c < 128 && Uri.IsHexDigit(c) || ":./, \t\r\n;".IndexOf(c) >= 0) ? false : (bool?)null;
            throw new ArgumentException("no oracle for " + key);
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
                case MatomoSettings.Keys.DomainPath: return Gen.Elements("matomo.example.com", "example.com:8080/matomo", "[2001:db8::1]:443/m", "a_b.example/x/y");
                case MatomoSettings.Keys.TrackerPath:
                case MatomoSettings.Keys.ScriptPath: return Gen.Elements("matomo.php", "js/tracker.js", "a/b/c.x", "piwik.js");
                case MatomoSettings.Keys.AdditionalTrackers: return Gen.Elements("7", "7, other.example.com|3", "a.example|1;b.example:81/m|2");
                case MatomoSettings.Keys.NonceItemKey: return Nasty.String;
                case MatomoSettings.Keys.ProxyPath: return Gen.Elements("insights", "/insights/", "assets/stats", "a.b_c~d-e");
                case MatomoSettings.Keys.ProxyUpstream: return Gen.Elements("http://matomo.internal:8080/matomo/", "https://10.0.0.5", "http://[::1]:81/m");
                case MatomoSettings.Keys.ProxyTokenAuth: return Gen.Elements("0123456789abcdef0123456789abcdef", "a", "A-b.c_d~e");
                case MatomoSettings.Keys.ProxyTimeoutSeconds: return Gen.Choose(1, 300).Select(i => i.ToString(CultureInfo.InvariantCulture));
                case MatomoSettings.Keys.ProxyScriptMaxAgeSeconds: return Gen.Choose(60, 31536000).Select(i => i.ToString(CultureInfo.InvariantCulture));
                case MatomoSettings.Keys.ExcludedRoles: return Gen.Elements("Administrators", "Admins, Content Editors", " staff ;x ");
                case MatomoSettings.Keys.ExcludedPaths: return Gen.Elements("~/admin", "~/admin/, ~/internal/reports", "~/", "~/a;~/b");
                case MatomoSettings.Keys.CookieDomain: return Gen.Elements("*.example.com", ".example.com", "example.com", "a_b.example");
                case MatomoSettings.Keys.Domains: return Gen.Elements("*.example.com", "example.com, shop.example.org/store", "a.example;b.example/x/y");
                case MatomoSettings.Keys.CrossDomainLinking: return Gen.Elements("false", "FALSE", " False ");
                case MatomoSettings.Keys.VisitorCookieTimeout: return Gen.Choose(1, int.MaxValue).Select(i => i.ToString(CultureInfo.InvariantCulture));
                case MatomoSettings.Keys.CookieSameSite: return Gen.Elements("Lax", "strict", " STRICT ");
            }
            if (Booleans.Contains(key)) return Gen.Elements("true", "false", "TRUE", " False ");
            if (IpLists.Contains(key)) return Gen.Elements("10.0.0.0/8", "192.0.2.7, 2001:db8::/32", "::1;127.0.0.1 fe80::/10", "0.0.0.0/0", "::/0");
            throw new ArgumentException(key);
        }

        private static readonly string[] Keys = MatomoSettings.Keys.All;

        public sealed class Case
        {
            public string Key;
            public string Value;
            public override string ToString() => $"{Key} = {Nasty.Show(Value)}";
        }

        private static readonly Gen<Case> Cases =
            from key in Gen.Elements(Keys)
            from value in Gen.Frequency(
                (6, Nasty.String),
                (2, ValidValue(key)),
                (2, ValidValue(key).SelectMany(v => Nasty.String.Select(n => v + n))), // a valid value spoiled at the end
                (1, ValidValue(key).SelectMany(v => Nasty.String.Select(n => n + v))))
            select new Case { Key = key, Value = value };

        private static NameValueCollection Base() => new NameValueCollection
        {
            { MatomoSettings.Keys.DomainPath, "matomo.example.com" },
            { MatomoSettings.Keys.SiteId, "4" },
        };

        [Test]
        public void Every_key_with_generated_values_fails_only_with_MatomoConfigurationException_naming_it()
        {
            int invalid = 0, valid = 0;
            Nasty.Check(Cases, 4000, c =>
            {
                var appSettings = Base();
                // The other proxy keys are read only with the proxy on.
                if (c.Key.StartsWith("matomo:Proxy", StringComparison.Ordinal) && c.Key != MatomoSettings.Keys.ProxyPath)
                    appSettings[MatomoSettings.Keys.ProxyPath] = "insights";
                appSettings[c.Key] = c.Value;
                bool? canBeValid = CanBeValid(c.Key, c.Value);
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
                AssertApplied(settings, c.Key, c.Value.Trim());
            });
            TestContext.Progress.WriteLine($"configuration cases: {invalid} refused, {valid} accepted");
            Assert.That(invalid, Is.GreaterThan(1000));
            Assert.That(valid, Is.GreaterThan(400));
        }

        /// <summary>An accepted value is the one in force (spot checks per kind of key).</summary>
        private static void AssertApplied(MatomoSettings s, string key, string v)
        {
            if (v.Length == 0) return;
            string context = key + " = " + Nasty.Show(v);
            switch (key)
            {
                case MatomoSettings.Keys.SiteId: Assert.That(s.SiteId, Is.EqualTo(int.Parse(v, CultureInfo.InvariantCulture)), context); break;
                case MatomoSettings.Keys.HeartBeatSeconds: Assert.That(s.HeartBeatSeconds, Is.EqualTo(int.Parse(v, CultureInfo.InvariantCulture)), context); break;
                case MatomoSettings.Keys.NonceItemKey: Assert.That(s.NonceItemKey, Is.EqualTo(v), context); break;
                case MatomoSettings.Keys.ContainerId: Assert.That(s.ContainerId, Is.EqualTo(v), context); break;
                case MatomoSettings.Keys.DomainPath: Assert.That(s.DomainPath, Is.EqualTo(v), context); break;
                case MatomoSettings.Keys.TrackerPath: Assert.That(s.TrackerPath, Is.EqualTo(v), context); break;
                case MatomoSettings.Keys.ScriptPath: Assert.That(s.ScriptPath, Is.EqualTo(v), context); break;
                case MatomoSettings.Keys.DisableCookies: Assert.That(s.DisableCookies, Is.EqualTo(bool.Parse(v)), context); break;
                case MatomoSettings.Keys.UseHttps: Assert.That(s.UseHttps, Is.EqualTo(bool.Parse(v)), context); break;
                case MatomoSettings.Keys.TrustedProxies: Assert.That(s.TrustedProxies.Entries, Is.EqualTo(v.Split(new[] { ',', ' ', '\t', '\r', '\n', ';' }, StringSplitOptions.RemoveEmptyEntries)), context); break;
                case MatomoSettings.Keys.InternalIps:
                case MatomoSettings.Keys.AnalyticalInternalIps: Assert.That(s.InternalIps.Entries, Is.EqualTo(v.Split(new[] { ',', ' ', '\t', '\r', '\n', ';' }, StringSplitOptions.RemoveEmptyEntries)), context); break;
                case MatomoSettings.Keys.ExcludedRoles: Assert.That(s.ExcludedRoles, Is.EqualTo(v.Split(',').Select(r => r.Trim())), context); break;
                case MatomoSettings.Keys.ExcludedPaths:
                    Assert.That(s.ExcludedPaths, Is.EqualTo(v.Split(new[] { ',', ' ', '\t', '\r', '\n', ';' }, StringSplitOptions.RemoveEmptyEntries)
                        .Select(p => p.Length > 2 ? p.TrimEnd('/') : "~/")), context); break;
                case MatomoSettings.Keys.CookieDomain: Assert.That(s.CookieDomain, Is.EqualTo(v), context); break;
                case MatomoSettings.Keys.Domains: Assert.That(s.Domains, Is.EqualTo(v.Split(new[] { ',', ' ', '\t', '\r', '\n', ';' }, StringSplitOptions.RemoveEmptyEntries)), context); break;
                case MatomoSettings.Keys.CrossDomainLinking: Assert.That(s.CrossDomainLinking, Is.EqualTo(bool.Parse(v)), context); break;
                case MatomoSettings.Keys.VisitorCookieTimeout: Assert.That(s.VisitorCookieTimeout, Is.EqualTo(int.Parse(v, CultureInfo.InvariantCulture)), context); break;
                case MatomoSettings.Keys.SecureCookie: Assert.That(s.SecureCookie, Is.EqualTo(bool.Parse(v)), context); break;
                case MatomoSettings.Keys.CookieSameSite: Assert.That(s.CookieSameSite.ToString(), Is.EqualTo(v).IgnoreCase, context); break;
                case MatomoSettings.Keys.EnableJSErrorTracking: Assert.That(s.EnableJSErrorTracking, Is.EqualTo(bool.Parse(v)), context); break;
            }
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
