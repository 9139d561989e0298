using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Matomo.Mvc5.Tests.Support.Php;
using Matomo.Mvc5.Tracking;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Tracking
{
    /// <summary>
    /// <see cref="ServerHit"/>: each kind of hit carries exactly the Tracking API parameters Matomo documents for it,
    /// as PHP reads them. The names come from Matomo, not from the library: developer.matomo.org's Tracking HTTP API
    /// and core/Tracker/Request.php's supported parameters.
    /// </summary>
    public class ServerHitTests
    {
        /// <summary>Every Tracking API parameter Matomo reads (Request.php's $supportedParams, plus those read elsewhere
        /// that the Tracking HTTP API documents).</summary>
        private static readonly HashSet<string> MatomosParameters = new HashSet<string>(
            ("_refts _ref _rcn _rck url urlref res idgoal ping bots dp rec new_visit ec_id ec_st ec_tx ec_sh ec_dt ec_items " +
             "_pkc _pks _pkn _pkp e_c e_a e_n e_v cip cdt cdo cid uid cs download link action_name search search_cat pv_id " +
             "search_count pf_net pf_srv pf_tfr pf_dm1 pf_dm2 pf_onl c_p c_n c_t c_i ca " +
             "idsite rand apiv _id _idts _idvc _viewts ua uadata lang revenue cvar _cvar send_image h m s token_auth " +
             "country region city lat long queuedtracking").Split(' '));

        private static readonly TrackedVisitor Visitor = new TrackedVisitor(4, "5a4d3e2f1b0c9d8e", 1733230000, "jane@example.com",
            "https://shop.example.com/order/17", "https://psp.example.net/", "Mozilla/5.0 (X11)", "de-DE,de;q=0.9", "203.0.113.9");

        private static Dictionary<string, object> MatomoReads(TrackingQuery q)
        {
            string line = Php.Lines("tracking-query.php", new[] { q.ToString() }).Single();
            using (JsonDocument d = JsonDocument.Parse(line))
                return d.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object)(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()));
        }

        private static void AssertHit(TrackingQuery q, Dictionary<string, object> expected)
        {
            Assert.That(q.Names.Where(n => !n.StartsWith("dimension")), Is.SubsetOf(MatomosParameters), "only parameters Matomo reads");
            Dictionary<string, object> read = MatomoReads(q);
            var common = new Dictionary<string, object>
            {
                ["idsite"] = "4", ["rec"] = "1", ["apiv"] = "1", ["_id"] = "5a4d3e2f1b0c9d8e", ["_idts"] = "1733230000",
                ["uid"] = "jane@example.com", ["url"] = "https://shop.example.com/order/17", ["urlref"] = "https://psp.example.net/",
                ["ua"] = "Mozilla/5.0 (X11)", ["lang"] = "de-DE,de;q=0.9",
            };
            foreach (var e in expected) common[e.Key] = e.Value;
            Assert.That(read, Is.EquivalentTo(common));
            Assert.That(read.Keys, Has.None.EqualTo("cip").And.None.EqualTo("token_auth").And.None.EqualTo("cdt"), "the outbox's, never the hit's");
        }

        [Test]
        public void A_page_view_carries_its_title()
        {
            TrackingQuery q = ServerHit.Begin(Visitor);
            ServerHit.PageView(q, "Order confirmed");
            AssertHit(q, new Dictionary<string, object> { ["action_name"] = "Order confirmed" });
        }

        [Test]
        public void An_event_carries_category_action_name_value_and_ca()
        {
            TrackingQuery q = ServerHit.Begin(Visitor);
            ServerHit.Event(q, "Downloads", "PDF", "manual.pdf", 2.5);
            AssertHit(q, new Dictionary<string, object> { ["e_c"] = "Downloads", ["e_a"] = "PDF", ["e_n"] = "manual.pdf", ["e_v"] = "2.5", ["ca"] = "1" });
            q = ServerHit.Begin(Visitor);
            ServerHit.Event(q, "Webhook", "Paid", null, null);
            AssertHit(q, new Dictionary<string, object> { ["e_c"] = "Webhook", ["e_a"] = "Paid", ["ca"] = "1" });
        }

        [Test]
        public void A_goal_carries_its_id_and_revenue()
        {
            TrackingQuery q = ServerHit.Begin(Visitor);
            ServerHit.Goal(q, 3, 19.90m);
            AssertHit(q, new Dictionary<string, object> { ["idgoal"] = "3", ["revenue"] = "19.9" });
        }

        [Test]
        public void A_site_search_carries_keyword_category_and_count()
        {
            TrackingQuery q = ServerHit.Begin(Visitor);
            ServerHit.SiteSearch(q, "blue shoes", "Shoes", 0);
            AssertHit(q, new Dictionary<string, object> { ["search"] = "blue shoes", ["search_cat"] = "Shoes", ["search_count"] = "0" });
        }

        [Test]
        public void A_product_view_and_a_category_view_carry_what_setEcommerceView_sets()
        {
            TrackingQuery q = ServerHit.Begin(Visitor);
            ServerHit.PageView(q, "Blue shoe");
            ServerHit.EcommerceView(q, "SKU-1", "Blue shoe", new[] { "Shoes", "Blue" }, 49.5m);
            AssertHit(q, new Dictionary<string, object>
            {
                ["action_name"] = "Blue shoe", ["_pkc"] = "[\"Shoes\",\"Blue\"]", ["_pkp"] = "49.5", ["_pks"] = "SKU-1", ["_pkn"] = "Blue shoe",
            });
            q = ServerHit.Begin(Visitor);
            ServerHit.EcommerceView(q, null, null, new[] { "Shoes" }, null);
            AssertHit(q, new Dictionary<string, object> { ["_pkc"] = "Shoes" });
        }

        [Test]
        public void An_order_carries_its_id_amounts_and_items()
        {
            var items = new[]
            {
                new MatomoEcommerceItem("SKU-1", "Blue shoe", new[] { "Shoes", "Blue" }, 49.5m, 2),
                new MatomoEcommerceItem("SKU-2", null, (string)null, 0m, 1),
            };
            TrackingQuery q = ServerHit.Begin(Visitor);
            ServerHit.Order(q, "A-17", items, 104.00m, 99m, 5.5m, 4.5m, 5m);
            AssertHit(q, new Dictionary<string, object>
            {
                ["idgoal"] = "0", ["ec_id"] = "A-17", ["revenue"] = "104", ["ec_st"] = "99", ["ec_tx"] = "5.5", ["ec_sh"] = "4.5", ["ec_dt"] = "5",
                ["ec_items"] = "[[\"SKU-1\",\"Blue shoe\",[\"Shoes\",\"Blue\"],49.5,2],[\"SKU-2\",\"\",\"\",0,1]]",
            });
        }

        [Test]
        public void A_cart_update_carries_its_total_and_items_but_no_order_id()
        {
            TrackingQuery q = ServerHit.Begin(Visitor);
            ServerHit.CartUpdate(q, new[] { new MatomoEcommerceItem("SKU-1", "Blue shoe", "Shoes", 49.5m, 1) }, 49.5m);
            AssertHit(q, new Dictionary<string, object>
            {
                ["idgoal"] = "0", ["revenue"] = "49.5", ["ec_items"] = "[[\"SKU-1\",\"Blue shoe\",\"Shoes\",49.5,1]]",
            });
        }

        [Test]
        public void Outlinks_and_downloads_carry_their_target_and_keep_the_page_url()
        {
            TrackingQuery q = ServerHit.Begin(Visitor);
            ServerHit.Link(q, true, "https://shop.example.com/files/manual.pdf");
            AssertHit(q, new Dictionary<string, object> { ["download"] = "https://shop.example.com/files/manual.pdf" });
            q = ServerHit.Begin(Visitor);
            ServerHit.Link(q, false, "https://partner.example.org/");
            AssertHit(q, new Dictionary<string, object> { ["link"] = "https://partner.example.org/" });
        }

        [Test]
        public void Dimensions_and_custom_variables_carry_their_ids()
        {
            TrackingQuery q = ServerHit.Begin(Visitor);
            ServerHit.Dimensions(q, new[] { new KeyValuePair<int, string>(1, "gold"), new KeyValuePair<int, string>(12, "de") });
            ServerHit.Variables(q, false, new[] { new KeyValuePair<int, KeyValuePair<string, string>>(1, new KeyValuePair<string, string>("Plan", "Gold \"plus\"")) });
            ServerHit.Variables(q, true, new KeyValuePair<int, KeyValuePair<string, string>>[0]);
            AssertHit(q, new Dictionary<string, object>
            {
                ["dimension1"] = "gold", ["dimension12"] = "de", ["cvar"] = "{\"1\":[\"Plan\",\"Gold \\\"plus\\\"\"]}",
            });
        }

        [Test]
        public void A_visitor_without_cookie_user_or_request_sends_only_the_site()
        {
            var bare = new TrackedVisitor(9, null, null, null, null, null, null, null, null);
            TrackingQuery q = ServerHit.Begin(bare);
            ServerHit.Event(q, "Job", "Ran", null, null);
            Assert.That(MatomoReads(q), Is.EquivalentTo(new Dictionary<string, object>
            {
                ["idsite"] = "9", ["rec"] = "1", ["apiv"] = "1", ["e_c"] = "Job", ["e_a"] = "Ran", ["ca"] = "1",
            }));
        }
    }
}
