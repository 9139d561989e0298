using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Matomo.Mvc5.Proxy;
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
    /// but the visitor's.
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

        [Test]
        public void No_spelling_of_an_authentication_only_parameter_gets_the_proxys_token_on_any_path()
        {
            var breaches = new List<string>();
            int cases = 0;
            foreach (var (name, value) in AuthOnly)
            foreach (var (rule, raw) in Spellings(name))
            foreach (var (pathName, make) in Paths)
            {
                cases++;
                string breach = Breach(Through(make(raw + "=" + FormPairs.Encode(value))));
                if (breach != null) breaches.Add(name + " (" + rule + ": " + raw + ") in the " + pathName + ": " + breach);
            }
            TestContext.Progress.WriteLine("{0} requests from PHP's naming rules through the proxy to PHP: {1} breaches", cases, breaches.Count);
            Assert.That(breaches, Is.Empty);
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
            string[] noise = { " ", "+", "%20", ".", "%2E", "[", "]", "%5B", "%5D", "%00", "_", ";", "x", "%3B", "%26" };
            var random = new Random(18);
            var breaches = new List<string>();
            for (int i = 0; i < 300; i++)
            {
                var (name, value) = AuthOnly[random.Next(AuthOnly.Length)];
                string Noise() => string.Concat(Enumerable.Range(0, random.Next(3)).Select(_ => noise[random.Next(noise.Length)]));
                string raw = Noise() + name.Replace("_", random.Next(2) == 0 ? "_" : noise[random.Next(noise.Length)]) + Noise();
                var (pathName, make) = Paths[random.Next(Paths.Length)];
                string breach = Breach(Through(make(raw + "=" + FormPairs.Encode(value))));
                if (breach != null) breaches.Add(raw + " in the " + pathName + ": " + breach);
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
