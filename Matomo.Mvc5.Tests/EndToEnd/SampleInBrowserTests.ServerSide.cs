using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Matomo.Mvc5.Tracking;
using NUnit.Framework;
using OpenQA.Selenium;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// Server-side tracking (<see cref="MatomoTracker"/>) through the Sample in Chromium, on the Quick start host
    /// (site 1): a download counted when the file is served, a page without JavaScript, and the shop's order confirmed
    /// by the payment provider's webhook (a request without the browser's cookies). Each hit reaches the stand-in through
    /// the delivery outbox, and lands on the visitor whose cookie the browser's matomo.js set.
    /// </summary>
    public partial class SampleInBrowserTests
    {
        /// <summary>The browser's page view on <paramref name="path"/>, then the visitor id in the cookie matomo.js set,
        /// found under the name the server-side tracker computes.</summary>
        private string BrowserVisitor(string path)
        {
            var view = Visit(_defaults, _defaults.Url(path));
            string name = VisitorCookie.Name(1, null, new Uri(_defaults.BaseUrl).Host);
            Match cookie = Regex.Match(_browser.Cookies, "(?:^|; )" + Regex.Escape(name) + "=([^;]*)");
            Assert.That(cookie.Success, Is.True, "matomo.js set its visitor cookie under the name the server computes, " + name + ": " + _browser.Cookies);
            Assert.That(VisitorCookie.TryRead(Uri.UnescapeDataString(cookie.Groups[1].Value), out string visitorId, out _), Is.True);
            Assert.That(view.Hit["_id"], Is.EqualTo(visitorId), "the browser's own hit carries the same visitor");
            new Standin(_defaults).Clear();
            return visitorId;
        }

        /// <summary>The one bulk entry of the outbox that <paramref name="match"/> finds, with Matomo's verdict on it.</summary>
        private Dictionary<string, string> ServerHit(string what, Func<Dictionary<string, string>, bool> match)
        {
            var received = new Standin(_defaults).WaitFor(what, TrackingTimeout,
                all => all.Any(r => r.Requests != null && r.Requests.Any(match)));
            var bulk = received.Single(r => r.Requests != null && r.Requests.Any(match));
            int at = bulk.Requests.FindIndex(q => match(q));
            Assert.That(bulk.Method, Is.EqualTo("POST"), "a bulk request");
            Assert.That(bulk.Target, Does.Not.Contain("token_auth"), "never a token in the URL");
            Assert.That(bulk.Verdicts[at].ToString(), Is.EqualTo("tracked"), "Matomo would track it");
            Assert.That(bulk.Cookies, Is.Empty, "the server's request carries no browser cookie");
            return bulk.Requests[at];
        }

        [Test]
        public void A_download_served_by_the_site_is_tracked_server_side_on_the_browsers_visitor()
        {
            string visitorId = BrowserVisitor("/ServerSide");
            string url = _defaults.Url("/ServerSide/Download/manual.txt");
            object status = _browser.Driver.ExecuteAsyncScript(
                "var done = arguments[arguments.length - 1]; fetch(arguments[0]).then(function (r) { done(r.status); }, function () { done(0); });", url);
            Assert.That(Convert.ToInt32(status), Is.EqualTo(200), "the file was served");

            Dictionary<string, string> hit = ServerHit("the server's download hit", q => q.ContainsKey("download"));
            Assert.That(hit["download"], Is.EqualTo(url));
            Assert.That(hit["_id"], Is.EqualTo(visitorId), "on the browser's visitor");
            Assert.That(hit["idsite"], Is.EqualTo("1"));
            Assert.That(hit["ua"], Does.Contain("Chrome"), "the browser's user agent, from its request");
            Assert.That(hit.ContainsKey("cdt"), Is.True, "the time it was accepted");
        }

        [Test]
        public void A_page_without_JavaScript_is_tracked_by_the_server()
        {
            string visitorId = BrowserVisitor("/ServerSide");
            _browser.Open(_defaults.Url("/ServerSide/NoScript"));
            Assert.That(Text("server-side-status"), Does.Contain("handed to the outbox"));
            Assert.That(_browser.FetchedResources(), Has.None.Contains("matomo.js"), "no snippet on this page");

            Dictionary<string, string> hit = ServerHit("the server's page view", q => q.ContainsKey("action_name"));
            Assert.That(hit["action_name"], Is.EqualTo("A page without JavaScript"));
            Assert.That(hit["url"], Is.EqualTo(_defaults.Url("/ServerSide/NoScript")));
            Assert.That(hit["_id"], Is.EqualTo(visitorId));
        }

        [Test]
        public void An_order_confirmed_by_the_payment_providers_webhook_lands_on_the_visit_of_the_browser_that_placed_it()
        {
            string visitorId = BrowserVisitor("/Shop/Product/SKU-42");
            _browser.Driver.FindElement(By.CssSelector("#add-to-cart button")).Click();
            WaitForPage(path => path == "/Shop/Cart", "the cart");
            _browser.Driver.FindElement(By.Id("checkout")).Click();
            WaitForPage(path => path == "/Shop/Checkout", "the checkout page");
            _browser.Driver.FindElement(By.Id("pay-with-provider")).Click();
            WaitForPage(path => path.StartsWith("/Shop/Order/ORDER-"), "the order, awaiting payment");
            string orderId = Text("order-id");
            Assert.That(Text("payment-status"), Does.Contain("Awaiting the payment provider").And.Contain(visitorId), "the visitor id kept with the order");

            _browser.Driver.FindElement(By.CssSelector("#simulate-webhook button")).Click();
            WaitFor(() => Text("payment-status").StartsWith("Paid"), "the webhook's confirmation");

            Dictionary<string, string> order = ServerHit("the webhook's order", q => q.ContainsKey("ec_id"));
            Assert.That(order["ec_id"], Is.EqualTo(orderId));
            Assert.That(order["_id"], Is.EqualTo(visitorId), "the order is on the browser's visitor, though the webhook had none of its cookies");
            Assert.That(order["cid"], Is.EqualTo(visitorId), "forced: Matomo finds the visit by this id alone");
            Assert.That(order["revenue"], Is.EqualTo("24.99"));
            Assert.That(order["ec_items"], Is.EqualTo("[[\"SKU-42\",\"Holy Hand Grenade of Antioch\",\"Weapons\",19.99,1]]"));
            Assert.That(order["url"], Is.EqualTo(_defaults.Url("/Shop/Order/" + orderId)));
            Assert.That(order.ContainsKey("ua"), Is.False, "no browser: the webhook's own request is not the visitor's");
        }
    }
}
