using System;
using System.Collections.Generic;
using System.Linq;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading;
using Matomo.Mvc5.Delivery;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Delivery;
using Matomo.Mvc5.Tests.Support.Php;
using NUnit.Framework;
using static Matomo.Mvc5.Tests.Proxy.ProxyFixture;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>
    /// The proxy never lends its token to a request that carries an authentication-only parameter, under any spelling
    /// PHP accepts: requests built from PHP's naming rules (every rule, every such parameter, the query, a form body,
    /// a query with ';' separators, bulk string and object entries) go through the proxy to PHP's own web server, and
    /// PHP says what Matomo reads. Wherever Matomo would read the proxy's token, it must read no override and no cip
    /// but the visitor's. In queued mode (every hit of the outbox's batch sent with the token) the same requests go
    /// through the proxy into a real outbox delivering to PHP: no hit may carry any authentication-only parameter
    /// but the outbox's own cip and cdt.
    /// </summary>
    [TestFixture, NonParallelizable]
    public class AuthOnlyParameterTests
    {
        /// <summary>Every parameter Matomo honours only with a token, with a value a forger would send.</summary>
        private static readonly (string Name, string Value)[] AuthOnly =
        {
            ("cip", "203.0.113.66"), ("token_auth", "theirs"), ("cdt", "2001-01-01 00:00:00"), ("cdo", "86400"),
            ("country", "fr"), ("region", "75"), ("city", "Paris"), ("lat", "48.85"), ("long", "2.35"),
        };

        private PhpMatomo _php;

        [OneTimeSetUp]
        public void StartPhp() => _php = new PhpMatomo();

        [OneTimeTearDown]
        public void StopPhp() => _php?.Dispose();

        /// <summary>URL-encoded spellings of <paramref name="name"/> that PHP registers as <paramref name="name"/> (or as an array of it), one or more per rule.</summary>
        internal static IEnumerable<(string Rule, string Raw)> Spellings(string name)
        {
            yield return ("literal", name);
            yield return ("leading space as +", "+" + name);
            yield return ("leading space as %20", "%20" + name);
            yield return ("several leading spaces", "+%20+" + name);
            yield return ("cut at NUL", name + "%00");
            yield return ("cut at NUL before junk", name + "%00junk");
            yield return ("cut at NUL before a bracket", name + "%00[x]");
            yield return ("array []", name + "[]");
            yield return ("array encoded %5B%5D", name + "%5B%5D");
            yield return ("array [ ]", name + "[+]");
            yield return ("array with key", name + "[x]");
            yield return ("array with key and trailing text", name + "[x]junk");
            yield return ("nested array", name + "[a][b]");
            yield return ("every letter encoded", string.Concat(Encoding.UTF8.GetBytes(name).Select(b => "%" + b.ToString("X2"))));
            yield return ("leading space and NUL", "+" + name + "%00x");
            yield return ("leading space and array", "%20" + name + "[]");
            if (name.IndexOf('_') < 0) yield break;
            foreach (var (rule, underscore) in new[] { ("dot", "."), ("encoded dot", "%2E"), ("space", "+"), ("encoded space", "%20"), ("unclosed bracket", "["), ("encoded unclosed bracket", "%5B") })
            {
                yield return ("underscore as " + rule, name.Replace("_", underscore));
                yield return ("leading space and underscore as " + rule, "+" + name.Replace("_", underscore));
            }
        }

        private delegate ProxyRequest Path(string pair);

        private static readonly (string Name, Path Make)[] Paths =
        {
            ("query", pair => Get("matomo.php", "idsite=1&rec=1&send_image=0&" + pair)),
            ("query after ;", pair => Get("matomo.php", "idsite=1&rec=1&send_image=0&x=1;" + pair)),
            ("form body", pair => Post("matomo.php", "", "idsite=1&rec=1&send_image=0&" + pair, ("Content-Type", "application/x-www-form-urlencoded"))),
            ("bulk string entry", pair => Post("matomo.php", "", "{\"requests\":[\"?idsite=1&rec=1&url=a\",\"?idsite=1&rec=1&" + pair + "\"]}")),
            ("bulk object entry", pair => Post("matomo.php", "", "{\"requests\":[{\"idsite\":\"1\",\"rec\":\"1\"},{\"idsite\":\"1\",\"rec\":\"1\"," + JsonMember(pair) + "}]}")),
        };

        /// <summary>A name=value pair as an object member, the name decoded as a client would write it in JSON.</summary>
        private static string JsonMember(string pair)
        {
            int eq = pair.IndexOf('=');
            return JsonString(FormPairs.Decode(pair.Substring(0, eq))) + ":" + JsonString(FormPairs.Decode(pair.Substring(eq + 1)));
        }

        private static string JsonString(string s)
        {
            var sb = new StringBuilder("\"");
            foreach (char c in s)
            {
                if (c == '"' || c == '\\') sb.Append('\\').Append(c);
                else if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4"));
                else sb.Append(c);
            }
            return sb.Append('"').ToString();
        }

        /// <summary>Sends <paramref name="request"/> through the proxy to PHP; what Matomo read from it.</summary>
        private List<MatomoRead> Through(ProxyRequest request)
        {
            int before = _php.Count;
            NewProxy(_php.Url).Run(request);
            Assert.That(_php.Count, Is.EqualTo(before + 1), "the proxy forwarded the request to PHP");
            return _php.Read(before);
        }

        /// <summary>The breach: Matomo authenticates with the proxy's token something the visitor chose.</summary>
        private static string Breach(List<MatomoRead> reads)
        {
            foreach (MatomoRead read in reads)
            {
                if (read.Token != Token) continue;
                if (read.Overrides.Length > 0) return "read " + string.Join(",", read.Overrides) + " with the proxy's token";
                if (read.Cip.Length > 0 && read.Cip != Client) return "read cip " + read.Cip + " with the proxy's token";
            }
            return null;
        }

        /// <summary>Every rule's case: a request (on every path) carrying one spelling of one authentication-only parameter.</summary>
        private static IEnumerable<(string Case, ProxyRequest Request)> RuleCases()
        {
            foreach (var (name, value) in AuthOnly)
            foreach (var (rule, raw) in Spellings(name))
            foreach (var (pathName, make) in Paths)
                yield return (name + " (" + rule + ": " + raw + ") in the " + pathName, make(raw + "=" + FormPairs.Encode(value)));
        }

        /// <summary>Random spellings around the names (seeded), on random paths.</summary>
        private static IEnumerable<(string Case, ProxyRequest Request)> GeneratedCases(int seed, int count)
        {
            string[] noise = { " ", "+", "%20", ".", "%2E", "[", "]", "%5B", "%5D", "%00", "_", ";", "x", "%3B", "%26" };
            var random = new Random(seed);
            for (int i = 0; i < count; i++)
            {
                var (name, value) = AuthOnly[random.Next(AuthOnly.Length)];
                string Noise() => string.Concat(Enumerable.Range(0, random.Next(3)).Select(_ => noise[random.Next(noise.Length)]));
                string raw = Noise() + name.Replace("_", random.Next(2) == 0 ? "_" : noise[random.Next(noise.Length)]) + Noise();
                var (pathName, make) = Paths[random.Next(Paths.Length)];
                yield return (raw + " in the " + pathName, make(raw + "=" + FormPairs.Encode(value)));
            }
        }

        [Test]
        public void No_spelling_of_an_authentication_only_parameter_gets_the_proxys_token_on_any_path()
        {
            var breaches = new List<string>();
            int cases = 0;
            foreach (var (name, request) in RuleCases())
            {
                cases++;
                string breach = Breach(Through(request));
                if (breach != null) breaches.Add(name + ": " + breach);
            }
            TestContext.Progress.WriteLine("{0} requests from PHP's naming rules through the proxy to PHP: {1} breaches", cases, breaches.Count);
            Assert.That(breaches, Is.Empty);
        }

        /// <summary>
        /// Queued mode: <paramref name="cases"/> through the proxy into a real outbox delivering to PHP. Returns the
        /// breaches: a hit handed to the queue that PHP's parse_str (with <c>&amp;</c> and <c>;</c> as separators)
        /// reads an authentication-only parameter from, a hit Matomo reads without the proxy's token, or with a cip
        /// other than the visitor's or a cdt other than the outbox's; and the hits Matomo read.
        /// </summary>
        private (List<string> Breaches, List<MatomoRead> Reads, List<string> Queued, long Retried) Queued(IEnumerable<(string Case, ProxyRequest Request)> cases)
        {
            long retried;
            var breaches = new List<string>();
            var queued = new List<(string Case, string Hit)>();
            int before = _php.Count;
            long started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using (var folder = new TempFolder())
            using (var outbox = new DeliveryOutbox(new OutboxOptions
                   {
                       Endpoint = new Uri(_php.Url, "matomo.php"), TokenAuth = Token, SpoolFolder = folder.Path,
                       Linger = TimeSpan.FromMilliseconds(5), Log = line => TestContext.Progress.WriteLine("outbox: " + line),
                   }))
            {
                string current = null;
                TrackerProxy proxy = NewProxy(_php.Url, o =>
                {
                    o.Queued = true;
                    o.Queue = (hit, address) =>
                    {
                        if (address != Client) breaches.Add(current + ": queued with address " + address);
                        queued.Add((current, hit));
                        outbox.Accept(hit, address);
                        return true;
                    };
                });
                foreach (var (name, request) in cases)
                {
                    current = name;
                    ProxyResponse answer = proxy.Run(request);
                    if (answer.Status != 204) breaches.Add(name + ": answered " + answer.Status + ", not 204 at once");
                }
                var clock = Stopwatch.StartNew();
                while (outbox.Status.Delivered < queued.Count && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(50);
                Assert.That(outbox.Status.Delivered, Is.EqualTo(queued.Count), "the outbox delivered every queued hit to PHP");
                retried = outbox.Status.Retried;
                TestContext.Progress.WriteLine("outbox: retried {0}, last error {1}", retried, outbox.Status.LastError);
            }
            long ended = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

            // What PHP's parse_str reads from each hit as queued, with either separator: none of the names.
            List<string> parsed = Php.Lines("form.php", queued.Select(q => q.Hit).ToList(), "-d arg_separator.input=\"&;\"");
            for (int i = 0; i < queued.Count; i++)
            {
                using (JsonDocument d = JsonDocument.Parse(parsed[i]))
                {
                    string[] names = d.RootElement.EnumerateObject().Select(p => p.Name).Where(QueuedHits.AuthOnly.Contains).ToArray();
                    if (names.Length > 0) breaches.Add(queued[i].Case + ": queued " + queued[i].Hit + ", which PHP reads " + string.Join(",", names) + " from");
                }
            }
            // What Matomo read from the outbox's bulk requests: the proxy's token, the visitor's cip, the outbox's cdt alone.
            List<MatomoRead> reads = _php.ReadFrom(before);
            foreach (MatomoRead read in reads)
            {
                if (read.Token != Token) breaches.Add("a hit read without the proxy's token");
                if (read.Cip != Client) breaches.Add("a hit read with cip " + read.Cip);
                for (int i = 0; i < read.Overrides.Length; i++)
                {
                    bool outboxCdt = read.Overrides[i] == "cdt" && long.TryParse(read.Values[i], NumberStyles.None, CultureInfo.InvariantCulture, out long cdt)
                                     && cdt >= started && cdt <= ended;
                    if (!outboxCdt) breaches.Add("a hit read with " + read.Overrides[i] + "=" + read.Values[i]);
                }
                if (!read.Overrides.Contains("cdt")) breaches.Add("a hit read without the outbox's cdt");
            }
            return (breaches, reads, queued.Select(q => q.Hit).ToList(), retried);
        }

        /// <summary>
        /// Every queued hit reached PHP; more than once only after a retry (a batch whose answer was lost: PHP's
        /// built-in server now and then breaks the connection after it recorded a batch, an IOException to the
        /// outbox, which then sends the batch again, as documented). Every read was judged for breaches all the same.
        /// </summary>
        private static void AssertDelivered(int reads, int queued, long retried)
        {
            if (retried == 0) Assert.That(reads, Is.EqualTo(queued), "every queued hit reached Matomo once");
            else Assert.That(reads, Is.GreaterThanOrEqualTo(queued), "every queued hit reached Matomo (a retried batch may come twice)");
        }

        [Test]
        public void Queued_no_spelling_of_an_authentication_only_parameter_reaches_matomo_on_any_path()
        {
            var cases = RuleCases().Concat(GeneratedCases(21, 300)).ToList();
            var (breaches, reads, queued, retried) = Queued(cases);
            TestContext.Progress.WriteLine("queued: {0} requests from PHP's naming rules, {1} hits queued, {2} read by PHP from the outbox's bulk requests: {3} breaches",
                cases.Count, queued.Count, reads.Count, breaches.Count);
            Assert.That(breaches, Is.Empty);
            AssertDelivered(reads.Count, queued.Count, retried);
            int bulk = cases.Count(c => c.Case.Contains("in the bulk"));
            Assert.That(queued.Count, Is.EqualTo(cases.Count + bulk), "one hit per request, two per bulk request: none lost to the cleaning");
        }

        [Test]
        public void Queued_ordinary_requests_keep_their_parameters_and_get_the_visitors_address()
        {
            var cases = Paths.Select(p => (p.Name, p.Make("action_name=Caf%C3%A9+%2B+cdt.country"))).ToList();
            var (breaches, reads, queued, retried) = Queued(cases);
            Assert.That(breaches, Is.Empty);
            Assert.That(queued.Count, Is.EqualTo(7), "one hit per request, two per bulk request");
            AssertDelivered(reads.Count, queued.Count, retried);
            Assert.That(queued.Where(q => q.Contains("action_name")).Count(q => q.Contains("action_name=Caf%C3%A9+%2B+cdt.country")), Is.EqualTo(4),
                "the pair passes as it came (its name and value decoded and encoded again from a bulk object)");
            Assert.That(queued, Has.Some.Contains("action_name=Caf%C3%A9%20%2B%20cdt.country"));
        }

        [Test]
        public void The_reviews_example_is_forwarded_without_the_token()
        {
            List<MatomoRead> reads = Through(Get("matomo.php", "idsite=1&rec=1&+country=fr&cdt%00x=2001-01-01%2000:00:00"));
            Assert.That(reads.Single().Overrides, Is.EquivalentTo(new[] { "country", "cdt" }), "PHP reads the forged country and date");
            Assert.That(reads.Single().Token, Is.Not.EqualTo(Token));
        }

        [Test]
        public void Generated_spellings_around_the_names_never_get_the_token()
        {
            var breaches = new List<string>();
            foreach (var (name, request) in GeneratedCases(18, 300))
            {
                string breach = Breach(Through(request));
                if (breach != null) breaches.Add(name + ": " + breach);
            }
            Assert.That(breaches, Is.Empty);
        }

        [Test]
        public void Ordinary_requests_still_get_the_token_and_the_visitors_address_on_every_path()
        {
            foreach (var (pathName, make) in Paths)
            {
                List<MatomoRead> reads = Through(make("action_name=Caf%C3%A9+%2B+cdt.country"));
                Assert.That(reads, Is.Not.Empty, pathName);
                foreach (MatomoRead read in reads)
                {
                    Assert.That(read.Token, Is.EqualTo(Token), pathName + ": the proxy's token");
                    Assert.That(read.Cip, Is.EqualTo(Client), pathName + ": the visitor's address");
                    Assert.That(read.Overrides, Is.Empty, pathName);
                }
            }
        }
    }
}
