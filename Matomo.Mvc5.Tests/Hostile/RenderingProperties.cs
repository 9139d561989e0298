using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using Keys = Matomo.Mvc5.Configuration.MatomoSettings.Keys;

namespace Matomo.Mvc5.Tests.Hostile
{
    /// <summary>
    /// Generated pages full of hostile strings: whatever the identity, variables, dimensions, command arguments and
    /// nonce, the HTML parses (AngleSharp) into exactly the expected elements, the script run by Jint queues exactly
    /// the inputs, and the internal-address and Do-Not-Track forms are one comment that holds the whole snippet.
    /// </summary>
    [TestFixture]
    public class RenderingProperties
    {
        /// <summary>A site's web.config keys, and the settings parsed from them.</summary>
        private sealed class Site
        {
            public Site(string name, params (string Key, string Value)[] config)
            {
                Name = name;
                Config = config.ToDictionary(p => p.Key, p => p.Value);
                Settings = TestSettings.Create(config);
            }

            public readonly string Name;
            public readonly Dictionary<string, string> Config;
            public readonly MatomoSettings Settings;

            public string this[string key] => Config.TryGetValue(key, out string v) ? v : null;
            public bool Flag(string key, bool unset) => this[key] == null ? unset : this[key].Equals("true", StringComparison.OrdinalIgnoreCase);
        }

        private static readonly Site[] Sites =
        {
            new Site("basic", (Keys.DomainPath, "matomo.example.com"), (Keys.SiteId, "4")),
            new Site("disableCookies", (Keys.DomainPath, "matomo.example.com"), (Keys.SiteId, "4"), (Keys.DisableCookies, "true")),
            new Site("requireConsent", (Keys.DomainPath, "matomo.example.com"), (Keys.SiteId, "4"), (Keys.RequireConsent, "tracking"), (Keys.HeartBeatSeconds, "15")),
            new Site("cookieConsent+https", (Keys.DomainPath, "matomo.example.com"), (Keys.SiteId, "4"), (Keys.RequireConsent, "cookies"), (Keys.UseHttps, "true")),
            new Site("tagManager+site", (Keys.DomainPath, "matomo.example.com"), (Keys.SiteId, "4"), (Keys.ContainerId, "aBcD1234"), (Keys.AdditionalTrackers, "7, other.example.com|3")),
            new Site("paths+options", (Keys.DomainPath, "stats.example.org:8443/m"), (Keys.SiteId, "12"), (Keys.TrackerPath, "js/tracker.php"),
                (Keys.ScriptPath, "js/tracker.js"), (Keys.EnableLinkTracking, "false"), (Keys.RespectDoNotTrack, "true"), (Keys.UseHttps, "TRUE"),
                (Keys.AdditionalTrackers, "[2001:db8::1]:8080/x|5")),
            new Site("tagManagerOnly", (Keys.DomainPath, "tags.example.net"), (Keys.ContainerId, "Zz009988")),
            new Site("proxy+tagManager", (Keys.DomainPath, "matomo.example.com"), (Keys.SiteId, "9"), (Keys.ProxyPath, "/insights/"),
                (Keys.TrackerPath, "piwik.php"), (Keys.ScriptPath, "piwik.js"), (Keys.ContainerId, "aBcD1234"), (Keys.UseHttps, "true")),
            new Site("proxyOnly", (Keys.SiteId, "9"), (Keys.ProxyPath, "assets/stats"), (Keys.ProxyUpstream, "http://matomo.internal:8080/m/")),
        };

        // ---- What a site pushes and loads by itself, from its keys and Matomo's documented snippet ---------------
        // The JavaScript tracking code Matomo shows for a site (Administration > Websites > Tracking code):
        //   _paq.push(['trackPageView']); _paq.push(['enableLinkTracking']);
        //   var u="//{MATOMO_URL}/"; _paq.push(['setTrackerUrl', u+'matomo.php']); _paq.push(['setSiteId', '{IDSITE}']);
        //   g.src=u+'matomo.js';
        //   <noscript><p><img referrerpolicy="no-referrer-when-downgrade" src="//{MATOMO_URL}/matomo.php?idsite={IDSITE}&amp;rec=1" ...
        // Privacy options (disableCookies, requireConsent, requireCookieConsent, setDoNotTrack) must come before
        // trackPageView; enableHeartBeatTimer goes with the page view; addTracker takes a tracker URL and a site id.
        // Tag Manager: _mtm.push({'mtm.startTime': ..., 'event': 'mtm.Start'}); g.src='//{MATOMO_URL}/js/container_{ID}.js'.
        // With the tracker proxy (matomo:ProxyPath) the page names only the site: /{ProxyPath}/matomo.js and
        // /{ProxyPath}/matomo.php stand for Matomo's; Tag Manager containers are not proxied.

        /// <summary>Where the page finds the tracker: the proxy path of the site, or the Matomo server.</summary>
        private static string Home(Site site) => site[Keys.ProxyPath] != null ? "/" + site[Keys.ProxyPath].Trim('/') + "/" : BaseUrl(site, site[Keys.DomainPath]);

        private static string BaseUrl(Site site, string domainPath) => (site.Flag(Keys.UseHttps, false) ? "https://" : "//") + domainPath + "/";

        private static string TrackerPath(Site site) => site[Keys.ProxyPath] != null ? "matomo.php" : site[Keys.TrackerPath] ?? "matomo.php";

        private static string ScriptPath(Site site) => site[Keys.ProxyPath] != null ? "matomo.js" : site[Keys.ScriptPath] ?? "matomo.js";

        private static List<object[]> ExpectedSiteCommands(Site site)
        {
            var commands = new List<object[]>();
            string consent = (site[Keys.RequireConsent] ?? "none").ToLowerInvariant();
            if (site.Flag(Keys.DisableCookies, false)) commands.Add(new object[] { "disableCookies" });
            if (consent == "tracking") commands.Add(new object[] { "requireConsent" });
            if (consent == "cookies") commands.Add(new object[] { "requireCookieConsent" });
            if (site.Flag(Keys.RespectDoNotTrack, false)) commands.Add(new object[] { "setDoNotTrack", true });
            string siteId = site[Keys.SiteId];
            if (siteId == null) return commands;
            string tracker = Home(site) + TrackerPath(site);
            commands.Add(new object[] { "trackPageView" });
            if (site.Flag(Keys.EnableLinkTracking, true)) commands.Add(new object[] { "enableLinkTracking" });
            int heartBeat = int.Parse(site[Keys.HeartBeatSeconds] ?? "0", CultureInfo.InvariantCulture);
            if (heartBeat > 0) commands.Add(new object[] { "enableHeartBeatTimer", heartBeat });
            commands.Add(new object[] { "setTrackerUrl", tracker });
            commands.Add(new object[] { "setSiteId", siteId });
            foreach (string entry in (site[Keys.AdditionalTrackers] ?? "").Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = entry.Split('|');
                commands.Add(parts.Length == 1
                    ? new object[] { "addTracker", tracker, parts[0] }
                    : new object[] { "addTracker", BaseUrl(site, parts[0]) + TrackerPath(site), parts[1] });
            }
            return commands;
        }

        private static List<string> ExpectedScripts(Site site)
        {
            var scripts = new List<string>();
            if (site[Keys.SiteId] != null) scripts.Add(Home(site) + ScriptPath(site));
            // Through the tracker proxy the container comes from its path too.
            if (site[Keys.ContainerId] != null) scripts.Add(Home(site) + "js/container_" + site[Keys.ContainerId] + ".js");
            return scripts;
        }

        /// <summary>The image for visitors without JavaScript; none without a site id, and none where consent is
        /// required before tracking (it cannot be asked for without JavaScript).</summary>
        private static string ExpectedNoscriptSrc(Site site) =>
            site[Keys.SiteId] == null || (site[Keys.RequireConsent] ?? "").Equals("tracking", StringComparison.OrdinalIgnoreCase)
                ? null
                : Home(site) + TrackerPath(site) + "?idsite=" + site[Keys.SiteId] + "&rec=1";

        public sealed class PageCase
        {
            public int SiteIndex;
            public string UserId;
            public CustomVariable[] Variables;
            public CustomDimension[] Dimensions;
            public MatomoCommand[] Commands;
            public string Nonce;
            public MatomoSuppression Suppression;

            public MatomoPage ToPage()
            {
                var page = new MatomoPage { UserId = UserId, Nonce = Nonce, Suppression = Suppression };
                foreach (var v in Variables) page.CustomVariables.Add(v);
                foreach (var d in Dimensions) page.CustomDimensions.Add(d);
                foreach (var c in Commands) page.Commands.Add(c);
                return page;
            }

            public override string ToString() =>
                $"site {Sites[SiteIndex].Name}, user {Nasty.Show(UserId)}, nonce {Nasty.Show(Nonce)}, {Suppression}; vars "
                + string.Join(" ", Variables.Select(v => $"({v.Index}, {Nasty.Show(v.Name)}, {Nasty.Show(v.Value)}, {v.Scope})"))
                + "; dims " + string.Join(" ", Dimensions.Select(d => $"({d.Id}, {Nasty.Show(d.Value)})"))
                + "; commands " + string.Join(" ", Commands.Select(c => c.Method + "(" + string.Join(", ", c.Arguments.Select(Nasty.Show)) + ")"));
        }

        /// <summary>Any finite double, from random bits.</summary>
        private static readonly Gen<double> AnyFiniteDouble = Gen.Choose(int.MinValue, int.MaxValue).Two()
            .Select(t => BitConverter.Int64BitsToDouble((long)t.Item1 << 32 | (uint)t.Item2))
            .Where(d => !double.IsNaN(d) && !double.IsInfinity(d));

        /// <summary>Doubles nearest to short decimals (n / 10^k), the numbers pages really send.</summary>
        private static readonly Gen<double> ShortDecimal =
            from n in Gen.Choose(int.MinValue, int.MaxValue)
            from k in Gen.Choose(0, 9)
            select (double)(n / (decimal)Math.Pow(10, k));

        private static readonly Gen<double> FiniteDouble = Gen.OneOf(ShortDecimal, AnyFiniteDouble);

        private static readonly Gen<object> Argument = Gen.Frequency(
            (6, Nasty.String.Select(s => (object)s)),
            (1, Gen.Constant((object)null)),
            (1, Gen.Elements((object)true, false)),
            (1, Gen.Choose(int.MinValue, int.MaxValue).Select(i => (object)i)),
            (1, Gen.Choose(int.MinValue, int.MaxValue).Select(i => (object)((long)i << 20))),
            (2, FiniteDouble.Select(d => (object)d)),
            (1, Gen.Elements<object>(0.1, -0.0, 1e21, 1e-7, double.MaxValue, double.Epsilon, 5e-324, 123456789.125, (float)0.1f)));

        private static readonly Gen<MatomoCommand> Command =
            Gen.Elements("trackEvent", "setDocumentTitle", "setCustomUrl", "trackGoal", "$", "_x", "a1$B_")
                .SelectMany(method => Argument.Up(4).Select(args => new MatomoCommand(method, args)));

        private static readonly Gen<CustomVariable> Variable =
            from index in Gen.Choose(1, 200)
            from name in Nasty.String
            from value in Nasty.String
            from scope in Gen.Elements(CustomVariableScope.Page, CustomVariableScope.Visit)
            select new CustomVariable(index, name, value, scope);

        private static readonly Gen<CustomDimension> Dimension =
            from id in Gen.Choose(1, 999)
            from value in Nasty.StringOrNull
            select new CustomDimension(id, value);

        // A nonce is an attribute value, the one place where text is HTML-encoded rather than JavaScript-escaped: the HTML
        // parser turns CR into LF and NUL into U+FFFD there by design, and AngleSharp takes U+FFFF for the end of its
        // input, so those three are left out of it; everything else hostile stays in.
        private static readonly Gen<string> Nonce = Gen.Frequency(
            (2, Gen.Constant((string)null)),
            (1, Nasty.String.Select(s => s.Replace("\r", "").Replace("\0", "").Replace("\uFFFF", ""))));

        private static readonly Gen<PageCase> Page =
            from site in Gen.Choose(0, Sites.Length - 1)
            from user in Nasty.StringOrNull
            from variables in Variable.Up(5)
            from dimensions in Dimension.Up(4)
            from commands in Command.Up(3)
            from nonce in Nonce
            from suppression in Gen.Frequency((4, Gen.Constant(MatomoSuppression.None)), (1, Gen.Constant(MatomoSuppression.InternalAddress)), (1, Gen.Constant(MatomoSuppression.DoNotTrack)))
            select new PageCase { SiteIndex = site, UserId = user, Variables = variables, Dimensions = dimensions, Commands = commands, Nonce = nonce, Suppression = suppression };

        private static List<object[]> ExpectedPageCommands(PageCase c)
        {
            var expected = new List<object[]>();
            foreach (var v in c.Variables)
                expected.Add(new object[] { "setCustomVariable", (double)v.Index, v.Name, v.Value, v.Scope == CustomVariableScope.Visit ? "visit" : "page" });
            if (c.UserId != null) expected.Add(new object[] { "setUserId", c.UserId });
            foreach (var d in c.Dimensions) expected.Add(new object[] { "setCustomDimension", (double)d.Id, d.Value });
            foreach (var m in c.Commands)
                expected.Add(new object[] { m.Method }.Concat(m.Arguments).ToArray());
            return expected;
        }

        /// <summary>Exact equality: strings ordinal (so a lost surrogate or a changed separator fails), numbers as doubles.</summary>
        internal static void AssertSameCommands(IReadOnlyList<object[]> actual, IReadOnlyList<object[]> expected, string context)
        {
            string Describe(IEnumerable<object[]> commands) => string.Join("\n  ", commands.Select(cmd => "[" + string.Join(", ", cmd.Select(Nasty.Show)) + "]"));
            string message = $"{context}\nexpected:\n  {Describe(expected)}\nactual:\n  {Describe(actual)}";
            Assert.That(actual.Count, Is.EqualTo(expected.Count), message);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.That(actual[i].Length, Is.EqualTo(expected[i].Length), message);
                for (int j = 0; j < expected[i].Length; j++)
                {
                    object e = expected[i][j], a = actual[i][j];
                    bool same = e is string || e is bool || e == null
                        ? Equals(e, a) && (e == null || a.GetType() == e.GetType())
                        : e is float f
                            ? a is double df && (float)df == f // a float comes back as the same float (in its shortest form)
                            : a is double da && da == Convert.ToDouble(e); // other numbers exactly; -0 and 0 alike
                    Assert.That(same, $"command {i}, value {j}: expected {Nasty.Show(e)}, got {Nasty.Show(a)}\n{message}");
                }
            }
        }

        [Test]
        public void Generated_hostile_pages_parse_to_the_expected_elements_and_queue_exactly_their_inputs()
        {
            int cases = 0;
            Nasty.Check(Page, 1500, c =>
            {
                cases++;
                Site site = Sites[c.SiteIndex];
                MatomoSettings settings = site.Settings;
                string html = MatomoRenderer.Render(settings, c.ToPage());
                string context = c + "\nhtml: " + Nasty.Show(html);

                // Every value goes through the one encoder: outside the nonce attribute, the snippet is printable ASCII.
                string withoutNonce = System.Text.RegularExpressions.Regex.Replace(html, "<script nonce=\"[^\"]*\">", "<script>");
                Assert.That(withoutNonce.All(ch => ch == '\n' || ch >= ' ' && ch <= '~'), Is.True, "non-ASCII output\n" + context);

                if (c.Suppression != MatomoSuppression.None)
                {
                    AssertOneCommentHoldingEverything(settings, c, html, context);
                    return;
                }

                Snippet snippet = Snippet.Parse(html);
                string noscript = ExpectedNoscriptSrc(site);
                Assert.That(snippet.Structure, Is.EqualTo(noscript != null ? new[] { "script", "noscript" } : new[] { "script" }), context);
                Assert.That(snippet.Script.TextContent, Does.Not.Contain("</"), context);
                Assert.That(snippet.NoscriptImageSrc, Is.EqualTo(noscript), context);
                Assert.That(snippet.Script.GetAttribute("nonce"), Is.EqualTo(string.IsNullOrEmpty(c.Nonce) ? null : c.Nonce), "script nonce\n" + context);
                Assert.That(snippet.InsertedScripts.Select(s => s.Src), Is.EqualTo(ExpectedScripts(site)), context);
                Assert.That(snippet.InsertedScripts.Select(s => s.Nonce), Is.All.EqualTo(string.IsNullOrEmpty(c.Nonce) ? null : c.Nonce), "inserted nonce\n" + context);
                Assert.That(snippet.TagManagerEvents, Is.EqualTo(site[Keys.ContainerId] != null ? new[] { "mtm.Start" } : new string[0]), context);
                AssertSameCommands(snippet.Commands, ExpectedPageCommands(c).Concat(ExpectedSiteCommands(site)).ToList(), context);
            });
            Assert.That(cases, Is.EqualTo(1500));
        }

        /// <summary>
        /// Every finite double comes back from the script as the very same double. Found failing by the property above:
        /// the encoder wrote doubles with "R", which on Mono checks its 15-digit form with Mono's own double.Parse, off
        /// by one unit in the last place for some inputs (8.3880898561018E-302), so the browser got another number.
        /// Fixed in 50d4c22 (G17).
        /// </summary>
        [Test]
        public void Any_finite_double_reaches_the_script_exactly()
        {
            Nasty.Check(AnyFiniteDouble.ArrayOf(50), 200, values =>
            {
                var page = new MatomoPage();
                page.Commands.Add(new MatomoCommand("trackEvent", values.Cast<object>().ToArray()));
                Snippet snippet = Snippet.Parse(MatomoRenderer.Render(Sites[0].Settings, page));
                AssertSameCommands(new[] { snippet.Commands[0] }, new[] { new object[] { "trackEvent" }.Concat(values.Cast<object>()).ToArray() }, "doubles");
            });
        }

        /// <summary>
        /// The suppressed forms: exactly one top-level node, a comment, whose text is the notice followed by the very
        /// snippet the page would have had, so nothing in the page's data ended the comment early or leaked out of it.
        /// </summary>
        private static void AssertOneCommentHoldingEverything(MatomoSettings settings, PageCase c, string html, string context)
        {
            Snippet snippet = Snippet.Parse(html);
            Assert.That(snippet.Structure, Is.EqualTo(new[] { "#comment" }), context);
            MatomoPage tracked = c.ToPage();
            tracked.Suppression = MatomoSuppression.None;
            string notice = c.Suppression == MatomoSuppression.InternalAddress ? MatomoRenderer.InternalAddressComment : MatomoRenderer.DoNotTrackComment;
            string expected = notice.Substring("<!--".Length) + "\n" + MatomoRenderer.Render(settings, tracked) + "\n";
            // The HTML parser normalizes CR and CRLF to LF inside comments; a nonce is the only raw text that may hold CR (none is generated).
            Assert.That(snippet.Comment, Is.EqualTo(expected), context);
            Assert.That(snippet.Commands, Is.Empty, context);
        }
    }
}
