using System;
using System.Linq;
using Matomo.Mvc5.Tests.Delivery;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using Keys = Matomo.Mvc5.Configuration.MatomoSettings.Keys;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary><see cref="MatomoDelivery"/>: the outbox made from the settings, what MatomoTracker hands it, the status.</summary>
    public class MatomoDeliveryTests
    {
        private MatomoLikeUpstream _matomo;
        private TempFolder _folder;

        [SetUp]
        public void Start()
        {
            _matomo = new MatomoLikeUpstream();
            _folder = new TempFolder();
        }

        [TearDown]
        public void Stop()
        {
            MatomoDelivery.Outbox?.Stop(TimeSpan.FromSeconds(1));
            MatomoConfiguration.Override(null);
            _matomo.Dispose();
            _folder.Dispose();
        }

        private void Configure(params (string, string)[] more) =>
            MatomoConfiguration.Override(TestSettings.Basic(new[]
            {
                (Keys.DeliveryUpstream, new Uri(_matomo.Endpoint, "/").AbsoluteUri), (Keys.DeliveryFolder, _folder.Path),
                (Keys.TokenAuth, "0123456789abcdef0123456789abcdef"),
            }.Concat(more).ToArray()));

        [Test]
        public void Server_side_hits_reach_Matomo_through_the_outbox_of_the_settings_and_the_status_counts_them()
        {
            Configure();
            Assert.That(MatomoTracker.ForUser("customer-17").TrackEvent("Webhook", "Paid"), Is.True);
            Assert.That(Wait.Until(() => _matomo.TrackedHits().Count == 1, TimeSpan.FromSeconds(20)), Is.True, "delivered");
            var hit = _matomo.TrackedHits().Single();
            Assert.That(hit["uid"], Is.EqualTo("customer-17"));
            Assert.That(hit["e_c"], Is.EqualTo("Webhook"));
            Assert.That(hit.ContainsKey("cdt"), Is.True);
            var request = _matomo.Received.Single();
            Assert.That(request.Target, Does.StartWith("/matomo.php"), "matomo:DeliveryUpstream + matomo:TrackerPath");
            Assert.That(request.Target, Does.Not.Contain("token_auth"));
            Assert.That(MatomoLikeUpstream.Parse(request.Body).Token, Is.EqualTo("0123456789abcdef0123456789abcdef"), "the token in the body");
            Assert.That(Wait.Until(() => MatomoModule.DeliveryStatus.Delivered == 1, TimeSpan.FromSeconds(5)), Is.True);
            Assert.That(MatomoModule.DeliveryStatus.Accepted, Is.EqualTo(1));
        }

        private static readonly string[] Hostile =
        {
            "\u0000nul", "\u0001\u001F\u007F", "tab\tnew\nline\r", "'\"<>\\&=+%", "日本語", "😀 𝄞", "\u2028\u2029", "lone \uD800 high",
            "{\"requests\":[]}", "?idsite=1&cip=1.2.3.4", new string('x', 10000), string.Concat(Enumerable.Repeat("é😀&", 2500)),
        };

        [Test]
        public void Hostile_values_in_every_culture_arrive_as_PHP_reads_them_and_never_break_a_batch()
        {
            Configure();
            var cultures = new[] { "ar-SA", "de-DE", "fa-IR", "hi-IN", "tr-TR", "" };
            System.Globalization.CultureInfo before = System.Threading.Thread.CurrentThread.CurrentCulture;
            try
            {
                for (int i = 0; i < Hostile.Length; i++)
                {
                    System.Threading.Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo(cultures[i % cultures.Length]);
                    Assert.That(MatomoTracker.ForUser("u" + i).SetCustomDimension(1, Hostile[i])
                        .TrackEcommerceOrder("A-" + i, new[] { new MatomoEcommerceItem("SKU", "n" + Hostile[i], "c" + Hostile[i], 1234.5m, 2) }, 2469.01m), Is.True);
                }
            }
            finally
            {
                System.Threading.Thread.CurrentThread.CurrentCulture = before;
            }
            Assert.That(Wait.Until(() => _matomo.TrackedHits().Count >= Hostile.Length, TimeSpan.FromSeconds(30)), Is.True, "every hit delivered");
            var bodies = _matomo.Received.Select(r => r.Body).ToList();
            // PHP's json_decode takes every bulk body (Matomo's BulkTracking reads it so), and parse_str each entry.
            var accepted = Support.Php.Php.Lines("json.php", bodies.Select(b => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(b))).ToList());
            Assert.That(accepted, Is.All.EqualTo("1"), "no value breaks a batch");
            var entries = bodies.SelectMany(b => MatomoLikeUpstream.Parse(b).Requests).ToList();
            Assert.That(entries, Has.Count.EqualTo(Hostile.Length), "each hit once");
            var read = Support.Php.Php.Lines("tracking-query.php", entries)
                .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.Clone()).ToList();
            for (int i = 0; i < Hostile.Length; i++)
            {
                string expected = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(Hostile[i]));
                System.Text.Json.JsonElement hit = read.Single(h => h.GetProperty("ec_id").GetString() == "A-" + i);
                Assert.That(hit.GetProperty("dimension1").GetString(), Is.EqualTo(expected), "value " + i);
                Assert.That(hit.GetProperty("ec_items")[0][1].GetString(), Is.EqualTo("n" + expected), "value " + i + " in ec_items");
                Assert.That(hit.GetProperty("ec_items")[0][2].GetString(), Is.EqualTo("c" + expected), "value " + i + " in ec_items");
                Assert.That(hit.GetProperty("ec_items")[0][3].GetRawText(), Is.EqualTo("1234.5"), "culture " + cultures[i % cultures.Length]);
                Assert.That(hit.GetProperty("revenue").GetString(), Is.EqualTo("2469.01"));
                Assert.That(hit.TryGetProperty("cip", out _), Is.False, "no request, no address: a value never makes one");
            }
        }

        [Test]
        public void Skipped_hits_are_counted_by_cause_in_the_status_and_never_sent()
        {
            Configure((Keys.RespectDoNotTrack, "true"));
            var http = new FakeHttp();
            http.Headers["DNT"] = "1";
            Assert.That(MatomoTracker.For(http.Build()).TrackPageView(), Is.False);
            Assert.That(MatomoModule.DeliveryStatus.SkippedByRule["do-not-track"], Is.EqualTo(1));
            Assert.That(MatomoModule.DeliveryStatus.Accepted, Is.EqualTo(0));
            Assert.That(MatomoModule.DeliveryStatus.ToString(), Does.Contain("skipped(do-not-track=1)"));
        }

        [Test]
        public void The_token_falls_back_to_the_proxys_and_the_upstream_to_the_domain_path()
        {
            MatomoConfiguration.Override(TestSettings.Basic((Keys.ProxyTokenAuth, "abcdef"), (Keys.DeliveryFolder, _folder.Path)));
            Assert.That(MatomoConfiguration.Current.Get(Matomo.Mvc5.Configuration.SettingTable.DeliveryTokenAuth), Is.EqualTo("abcdef"));
            Assert.That(MatomoConfiguration.Current.Get(Matomo.Mvc5.Configuration.SettingTable.DeliveryUpstream), Is.EqualTo(new Uri("https://matomo.example.com/")));
        }

        [Test]
        public void An_app_relative_folder_is_under_the_application()
        {
            string mapped = MatomoDelivery.MapFolder("~/App_Data/matomo-outbox");
            Assert.That(mapped, Does.StartWith(AppDomain.CurrentDomain.BaseDirectory.TrimEnd('/', '\\')));
            Assert.That(mapped, Does.EndWith(System.IO.Path.Combine("App_Data", "matomo-outbox")));
            Assert.That(MatomoDelivery.MapFolder("/var/spool/matomo"), Is.EqualTo("/var/spool/matomo"));
        }

        [Test]
        public void No_Matomo_to_deliver_to_means_no_outbox_and_nothing_throws()
        {
            MatomoConfiguration.Override(TestSettings.Create((Keys.SiteId, "4")));
            Assert.That(MatomoModule.DeliveryStatus, Is.Null);
            Assert.That(MatomoTracker.ForUser("u").TrackPageView(), Is.False, "nowhere to deliver it: the caller is told");
        }

        [Test]
        public void No_outbox_means_no_replay_of_rejected_hits()
        {
            MatomoConfiguration.Override(TestSettings.Create((Keys.SiteId, "4")));
            Assert.That(MatomoModule.ReplayRejectedHits(), Is.False);
        }

        [Test]
        public void Hits_Matomo_refused_are_kept_and_sent_again_through_the_module_once_it_takes_them()
        {
            Configure();
            _matomo.RefusesBatch = h => true; // e.g. a token without write access
            Assert.That(MatomoTracker.ForUser("customer-9").TrackEvent("Webhook", "Paid"), Is.True);
            Assert.That(Wait.Until(() => MatomoModule.DeliveryStatus.RejectedKept == 1, TimeSpan.FromSeconds(20)), Is.True, () => MatomoModule.DeliveryStatus.ToString());
            Assert.That(_matomo.TrackedHits(), Is.Empty);

            _matomo.RefusesBatch = h => false; // the setting fixed
            Assert.That(MatomoModule.ReplayRejectedHits(), Is.True);
            Assert.That(Wait.Until(() => _matomo.TrackedHits().Count == 1, TimeSpan.FromSeconds(20)), Is.True, () => MatomoModule.DeliveryStatus.ToString());
            Assert.That(_matomo.TrackedHits().Single()["uid"], Is.EqualTo("customer-9"));
            Assert.That(MatomoModule.DeliveryStatus.Replayed, Is.EqualTo(1));
        }
    }
}
