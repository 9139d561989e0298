using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Web.Mvc;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Hostile
{
    /// <summary>
    /// Many threads render at once, each request with its own identity, variables, dimensions, nonce and client
    /// address (internal or not): every output holds exactly its own request's data. The renderer keeps a per-thread
    /// StringBuilder and the helper keeps the client verdict in HttpContext.Items, so both are exercised together.
    /// </summary>
    [TestFixture]
    public class ConcurrencyTests
    {
        private const int Threads = 8;
        private const int RequestsPerThread = 150;

        private sealed class Request
        {
            public string Tag, RemoteAddress, Nonce;
            public bool Internal;
            public ViewDataDictionary ViewData;
            public string Html;
        }

        private static Request Make(int thread, int i, Random random)
        {
            string tag = $"t{thread}-r{i}-{random.Next():x8}";
            bool isInternal = random.Next(4) == 0;
            string nasty = Nasty.Tokens[random.Next(Nasty.Tokens.Length)];
            var viewData = new ViewDataDictionary
            {
                [MatomoViewData.Identity] = "user " + tag + nasty,
                [MatomoViewData.Variables] = new object[]
                {
                    Tuple.Create(1, "name-" + tag, "value-" + tag + nasty),
                    Tuple.Create(2 + random.Next(3), "second-" + tag, new string('x', random.Next(2000)) + tag, random.Next(2) == 0 ? "page" : "visit"),
                },
                [MatomoViewData.Dimensions] = new Dictionary<int, string> { { 1 + random.Next(9), "dim-" + tag } },
                [MatomoViewData.Commands] = new object[] { new object[] { "trackEvent", "category-" + tag, "action", i } },
            };
            return new Request
            {
                Tag = tag,
                Internal = isInternal,
                RemoteAddress = isInternal ? $"10.1.{thread}.{i % 250 + 1}" : $"203.0.{thread}.{i % 250 + 1}",
                Nonce = random.Next(2) == 0 ? null : "nonce-" + tag,
                ViewData = viewData,
            };
        }

        [Test]
        public void Concurrent_requests_each_get_only_their_own_data()
        {
            // Direct peers (no trusted proxy in front), internal when in 10.1.0.0/16.
            MatomoSettings settings = TestSettings.Basic((MatomoSettings.Keys.InternalIps, "10.1.0.0/16"), (MatomoSettings.Keys.TrustedProxies, "192.0.2.1"));
            var requests = new Request[Threads][];
            for (int t = 0; t < Threads; t++)
            {
                var random = new Random(1000 + t);
                requests[t] = Enumerable.Range(0, RequestsPerThread).Select(i => Make(t, i, random)).ToArray();
            }
            // One context per request, built before the race (Moq setup is not what is tested).
            var contexts = requests.Select(rs => rs.Select(r => new FakeHttp { RemoteAddress = r.RemoteAddress }.Build()).ToArray()).ToArray();

            var errors = new List<Exception>();
            using (var start = new Barrier(Threads))
            {
                var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
                {
                    try
                    {
                        start.SignalAndWait();
                        for (int i = 0; i < RequestsPerThread; i++)
                        {
                            Request r = requests[t][i];
                            r.Html = MatomoHtmlHelperExtensions.Render(contexts[t][i], r.ViewData, settings, r.Nonce);
                        }
                    }
                    catch (Exception e) { lock (errors) errors.Add(e); }
                })).ToList();
                threads.ForEach(th => th.Start());
                threads.ForEach(th => th.Join());
            }
            Assert.That(errors, Is.Empty);

            // Each output equals what the same request renders alone, on one thread, afterwards ...
            var allTags = requests.SelectMany(rs => rs).Select(r => r.Tag).ToList();
            int checkedWithJint = 0;
            foreach (Request r in requests.SelectMany(rs => rs))
            {
                string alone = MatomoHtmlHelperExtensions.Render(new FakeHttp { RemoteAddress = r.RemoteAddress }.Build(), r.ViewData, settings, r.Nonce);
                Assert.That(r.Html, Is.EqualTo(alone), r.Tag);
                Assert.That(r.Html.StartsWith(MatomoRenderer.InternalAddressComment), Is.EqualTo(r.Internal), r.Tag + " " + r.RemoteAddress);
                // ... holds its own tag, and no other request's.
                Assert.That(r.Html, Does.Contain(r.Tag));
                foreach (string other in allTags)
                    if (other != r.Tag && r.Html.Contains(other)) Assert.Fail($"{r.Tag} holds {other}");
                // ... and, for a sample, really queues its own values.
                if (!r.Internal && checkedWithJint++ < 60)
                {
                    Snippet snippet = Snippet.Parse(r.Html);
                    Assert.That(snippet.Single("setUserId")[0], Is.EqualTo((string)r.ViewData[MatomoViewData.Identity]));
                    Assert.That(snippet.Single("trackEvent")[0], Is.EqualTo("category-" + r.Tag));
                    Assert.That(snippet.Script.GetAttribute("nonce"), Is.EqualTo(r.Nonce));
                }
            }
            Assert.That(checkedWithJint, Is.EqualTo(60).Or.GreaterThan(60));
        }

        [Test]
        public void Concurrent_renderer_calls_with_long_and_short_pages_do_not_share_buffers()
        {
            // The renderer reuses a per-thread StringBuilder up to 16 KB: mix pages above and below that size.
            MatomoSettings settings = TestSettings.Basic();
            var results = new string[Threads][];
            var expected = new string[Threads][];
            var pages = new MatomoPage[Threads][];
            for (int t = 0; t < Threads; t++)
            {
                var random = new Random(t);
                pages[t] = Enumerable.Range(0, 400).Select(i =>
                {
                    var page = new MatomoPage { UserId = $"u{t}-{i}" };
                    page.CustomVariables.Add(new CustomVariable(1, "v", new string((char)('a' + t), random.Next(2) == 0 ? 10 : 20000) + i));
                    return page;
                }).ToArray();
                expected[t] = pages[t].Select(p => MatomoRenderer.Render(settings, p)).ToArray();
                results[t] = new string[pages[t].Length];
            }
            using (var start = new Barrier(Threads))
            {
                var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
                {
                    start.SignalAndWait();
                    for (int i = 0; i < pages[t].Length; i++) results[t][i] = MatomoRenderer.Render(settings, pages[t][i]);
                })).ToList();
                threads.ForEach(th => th.Start());
                threads.ForEach(th => th.Join());
            }
            for (int t = 0; t < Threads; t++)
                Assert.That(results[t], Is.EqualTo(expected[t]), "thread " + t);
        }
    }
}
