using System;
using System.Collections.Generic;
using System.Net;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// On a real host: the Sample served as a production site (<c>&lt;compilation debug="false"&gt;</c>) under
    /// nginx + fastcgi-mono-server4, with an invalid setting whose value looks like a secret. Every page still answers,
    /// with the comment that names the key in place of the snippet, and the value is nowhere in the page.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public class ProductionHostTests
    {
        private const string Secret = "TopSecret4711";
        private SampleHost _host;

        [OneTimeSetUp]
        public void Start()
        {
            _host = SampleHost.Begin("release", new Dictionary<string, string> { ["matomo:SiteId"] = Secret }, "--release");
            _host.WaitUntilReady(TimeSpan.FromMinutes(3));
        }

        [OneTimeTearDown]
        public void Stop()
        {
            _host?.Dispose();
            SampleHost.DeleteRunDirectory();
        }

        [TestCase("/")]
        [TestCase("/Legacy")]
        [TestCase("/Shop/Product/SKU-42")]
        public void A_bad_setting_never_takes_a_production_page_down_nor_shows_its_value(string path)
        {
            HttpStatusCode status = Http.Get(_host.Url(path), out string body);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(body, Does.Contain("<!-- Matomo disabled: the appSetting matomo:SiteId is invalid: expected a positive whole number"));
            Assert.That(body, Does.Not.Contain("_paq.push"), "no snippet");
            Assert.That(body, Does.Not.Contain(Secret), "the value may be a secret");
        }
    }
}
