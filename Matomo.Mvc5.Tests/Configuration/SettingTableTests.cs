using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Reflection;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using Keys = Matomo.Mvc5.Configuration.MatomoSettings.Keys;

namespace Matomo.Mvc5.Tests.Configuration
{
    /// <summary>The table of settings: one definition per key, read in order, each refusing in its own words.</summary>
    public class SettingTableTests
    {
        private static readonly string[] PublicKeys = typeof(Keys).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()).ToArray();

        [Test]
        public void Every_public_key_has_one_definition_and_every_definition_a_public_key()
        {
            Assert.That(SettingTable.AllKeys, Is.EquivalentTo(PublicKeys));
            Assert.That(SettingTable.AllKeys, Is.Unique);
            Assert.That(SettingTable.All.Select(s => s.Index), Is.EqualTo(Enumerable.Range(0, SettingTable.All.Count)));
        }

        [Test]
        public void Settings_are_read_in_the_order_they_are_declared()
        {
            var order = SettingTable.All.Select(s => s.Key).ToList();
            Assert.That(order.First(), Is.EqualTo(Keys.DomainPath));
            Assert.That(order.IndexOf(Keys.Domains), Is.LessThan(order.IndexOf(Keys.CrossDomainLinking)));
            Assert.That(order.IndexOf(Keys.SecureCookie), Is.LessThan(order.IndexOf(Keys.CookieSameSite)));
            Assert.That(order.IndexOf(Keys.ProxyPath), Is.LessThan(order.IndexOf(Keys.ProxyUpstream)));
        }

        /// <summary>The settings a definition needs to be read at all, and the ones every site has.</summary>
        private static (string, string)[] Around(Setting setting)
        {
            var pairs = new List<(string, string)> { (Keys.DomainPath, "matomo.example.com"), (Keys.SiteId, "4") };
            if (setting.OnlyWith != null) pairs.Add((setting.OnlyWith.Key, "insights"));
            return pairs.Where(p => p.Item1 != setting.Key).ToArray();
        }

        /// <summary>The settings whose values may be secrets: a token, a URL that may hold a password.</summary>
        private static readonly string[] Secrets = { Keys.ProxyTokenAuth, Keys.ProxyUpstream, Keys.TokenAuth, Keys.DeliveryUpstream };

        private static IEnumerable<string> Checked() => SettingTable.All.Where(s => s.Form != null).Select(s => s.Key);

        [TestCaseSource(nameof(Checked))]
        public void Every_definition_refuses_a_value_not_of_its_form_naming_its_key_and_form_and_quoting_no_secret(string key)
        {
            Setting setting = SettingTable.All.Single(s => s.Key == key);
            const string junk = "\u0001 <not {valid}> \u0001";
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Create(Around(setting).Concat(new[] { (setting.Key, junk) }).ToArray()));
            Assert.That(e.Key, Is.EqualTo(setting.Key));
            Assert.That(e.Expected, Does.StartWith(setting.Form.Substring(0, Math.Min(20, setting.Form.Length))));
            Assert.That(e.Message, Does.Contain(setting.Key).And.Contain("expected"));
            if (Secrets.Contains(key))
            {
                Assert.That(e.Value, Is.Null);
                Assert.That(e.Message, Does.Not.Contain("not {valid}"));
            }
            else
            {
                Assert.That(e.Value, Is.EqualTo(junk.Trim()));
            }
        }

        [Test]
        public void A_setting_that_needs_another_is_neither_read_nor_checked_while_that_one_is_unset()
        {
            var settings = TestSettings.Basic((Keys.ProxyTimeoutSeconds, "not a number"), (Keys.ProxyScriptMaxAgeSeconds, "-1"));
            Assert.That(settings.Proxy, Is.Null);
            Assert.That(settings.Get(SettingTable.ProxyTimeoutSeconds), Is.EqualTo(0));
            Assert.Throws<MatomoConfigurationException>(() =>
                TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyTimeoutSeconds, "not a number")));
        }

        [Test]
        public void A_fallback_key_is_read_when_the_key_is_unset_and_named_in_its_errors()
        {
            Assert.That(TestSettings.Basic((Keys.AnalyticalInternalIps, "10.0.0.0/8")).InternalIps.Contains(IPAddress.Parse("10.1.2.3")), Is.True);
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.AnalyticalInternalIps, "10.0.0.0/99")));
            Assert.That(e.Key, Is.EqualTo(Keys.AnalyticalInternalIps));
            // The setting's own key wins: the fallback is then not read at all.
            Assert.That(TestSettings.Basic((Keys.InternalIps, "192.0.2.1"), (Keys.AnalyticalInternalIps, "junk")).InternalIps.Contains(IPAddress.Parse("192.0.2.1")), Is.True);
        }

        /// <summary>What adding a setting takes: one definition. This one is made up, in a table of its own.</summary>
        [Test]
        public void A_made_up_setting_is_one_definition_read_checked_and_defaulted_by_the_table()
        {
            Setting<int> retries = SettingTable.WholeNumber("matomo:MadeUpRetries", 3, 0, 10, "a whole number from 0 to 10, such as 3");
            Setting<bool> loud = SettingTable.Bool("matomo:MadeUpLoud", false,
                (i, on) => on && i.Get(retries) == 0 ? throw i.Refuse("true only with matomo:MadeUpRetries above 0", null, true) : on);
            IReadOnlyList<Setting> table = SettingTable.Number(retries, loud);

            SettingValues Read(params (string Key, string Value)[] pairs) =>
                SettingValues.Read(key => pairs.Where(p => p.Key == key).Select(p => p.Value).FirstOrDefault(), table);

            Assert.That(Read().Get(retries), Is.EqualTo(3));
            Assert.That(Read(("matomo:MadeUpRetries", " 7 ")).Get(retries), Is.EqualTo(7));
            Assert.That(Read(("matomo:MadeUpLoud", "TRUE")).Get(loud), Is.True);
            var e = Assert.Throws<MatomoConfigurationException>(() => Read(("matomo:MadeUpRetries", "11")));
            Assert.That(e.Message, Is.EqualTo("The appSetting 'matomo:MadeUpRetries' has the invalid value '11': expected a whole number from 0 to 10, such as 3."));
            e = Assert.Throws<MatomoConfigurationException>(() => Read(("matomo:MadeUpRetries", "0"), ("matomo:MadeUpLoud", "true")));
            Assert.That(e.Key, Is.EqualTo("matomo:MadeUpLoud"));
            Assert.That(e.Expected, Is.EqualTo("true only with matomo:MadeUpRetries above 0"));
        }

        [Test]
        public void A_definition_that_reads_a_later_one_is_a_mistake_named_at_the_first_read()
        {
            Setting<bool> later = SettingTable.Bool("matomo:MadeUpLater", false);
            Setting<bool> early = SettingTable.Bool("matomo:MadeUpEarly", false, (i, on) => on && i.Get(later));
            IReadOnlyList<Setting> table = SettingTable.Number(early, later);
            var e = Assert.Throws<InvalidOperationException>(() => SettingValues.Read(key => "true", table));
            Assert.That(e.Message, Does.Contain("matomo:MadeUpEarly reads matomo:MadeUpLater").And.Contain("move matomo:MadeUpLater up"));
        }

        [Test]
        public void A_setting_is_in_one_table_and_a_key_in_a_table_once()
        {
            Setting<bool> one = SettingTable.Bool("matomo:MadeUpOne", false);
            SettingTable.Number(one);
            Assert.Throws<InvalidOperationException>(() => SettingTable.Number(one));
            Assert.Throws<InvalidOperationException>(() =>
                SettingTable.Number(SettingTable.Bool("matomo:MadeUpTwice", false), SettingTable.Bool("matomo:madeuptwice", true)));
        }
    }
}
