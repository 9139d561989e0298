using System.Net;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Addresses
{
    /// <summary>
    /// One rule for ambiguous address forms, wherever an address is read: a forwarded hop, the peer, an entry
    /// of an IP list. A dotted quad never has leading zeros (octal look-alikes), alone or as the tail of an IPv6
    /// address; brackets hold IPv6 only (RFC 3986); a port is 1 to 65535.
    /// </summary>
    public class AmbiguousAddressFormTests
    {
        /// <summary>
        /// What the resolver makes of <paramref name="form"/> in each place an address is read: as the only
        /// X-Forwarded-For entry of a trusted proxy, in a Forwarded element (quoted, as RFC 7239 requires for brackets
        /// and ports), and as the peer itself.
        /// </summary>
        private static void AssertReadEverywhereAs(string form, string client)
        {
            Assert.That(ClientAddressResolverTests.Resolve("127.0.0.1", form), Is.EqualTo(client), "X-Forwarded-For");
            Assert.That(ClientAddressResolverTests.Resolve("127.0.0.1", null, "for=\"" + form + "\""), Is.EqualTo(client), "Forwarded");
            Assert.That(ClientAddressResolverTests.Resolve(form), Is.EqualTo(client), "peer");
        }

        [TestCase("10.0.0.01")]
        [TestCase("010.0.0.1")]
        [TestCase("203.0.113.07")]
        [TestCase("::ffff:10.0.0.01")]
        [TestCase("::ffff:010.0.0.1")]
        [TestCase("[::ffff:10.0.0.01]")]
        [TestCase("[::ffff:203.0.113.07]:80")]
        [TestCase("10.0.0.01:80")]
        public void Leading_zeros_are_refused_as_a_hop_and_as_the_peer(string form)
        {
            AssertReadEverywhereAs(form, null);
        }

        [TestCase("10.0.0.01")]
        [TestCase("::ffff:10.0.0.01")]
        [TestCase("::ffff:10.0.0.01/104")]
        [TestCase("10.0.0.01/8")]
        [TestCase("192.0.2.7, ::ffff:010.0.0.0/104")]
        public void Leading_zeros_are_refused_in_ip_lists(string list)
        {
            Assert.That(IpRangeList.TryParse(list, out _, out string error), Is.False);
            Assert.That(error, Does.Contain("01"));
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.InternalIps, list)));
            Assert.That(e.Key, Is.EqualTo(Keys.InternalIps));
            Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.TrustedProxies, list)));
        }

        [TestCase("10.0.0.1", "10.0.0.1")]
        [TestCase("::ffff:10.0.0.1", "10.0.0.1")]
        [TestCase("10.0.0.0", "10.0.0.0")]
        [TestCase("::ffff:0.0.0.0", "0.0.0.0")]
        public void Zeros_that_are_not_leading_are_fine(string form, string client)
        {
            Assert.That(ClientAddressResolverTests.Resolve("127.0.0.1", form), Is.EqualTo(client));
            Assert.That(IpRangeList.Parse(form).Contains(IPAddress.Parse(client)), Is.True);
        }

        [TestCase("[10.0.0.1]")]
        [TestCase("[10.0.0.1]:80")]
        [TestCase("[203.0.113.9]")]
        [TestCase("[]")]
        [TestCase("[]:80")]
        public void Brackets_around_IPv4_are_refused(string form)
        {
            AssertReadEverywhereAs(form, null);
        }

        [TestCase("[::ffff:10.0.0.1]", "10.0.0.1")]
        [TestCase("[::ffff:203.0.113.9]:8080", "203.0.113.9")]
        [TestCase("[2001:db8::1]", "2001:db8::1")]
        public void Brackets_around_IPv6_are_accepted(string form, string client)
        {
            AssertReadEverywhereAs(form, client);
        }

        [TestCase("203.0.113.9:99999")]
        [TestCase("203.0.113.9:65536")]
        [TestCase("203.0.113.9:0")]
        [TestCase("203.0.113.9:00")]
        [TestCase("[2001:db8::1]:99999")]
        [TestCase("[2001:db8::1]:0")]
        [TestCase("[::ffff:203.0.113.9]:65536")]
        public void Ports_outside_1_to_65535_are_refused(string form)
        {
            AssertReadEverywhereAs(form, null);
        }

        [TestCase("203.0.113.9:65535", "203.0.113.9")]
        [TestCase("203.0.113.9:1", "203.0.113.9")]
        [TestCase("[2001:db8::1]:65535", "2001:db8::1")]
        [TestCase("[::ffff:203.0.113.9]:65535", "203.0.113.9")]
        public void Ports_from_1_to_65535_are_accepted(string form, string client)
        {
            AssertReadEverywhereAs(form, client);
        }

        [Test]
        public void A_refused_hop_breaks_the_chain_so_the_client_left_of_it_is_not_believed()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8"));
            foreach (string bad in new[] { "10.0.0.01", "::ffff:10.0.0.01", "[10.0.0.1]", "10.0.0.1:99999", "10.0.0.1:0" })
            {
                MatomoClientInfo info = settings.ResolveClient("127.0.0.1", "10.0.0.1, " + bad, null);
                Assert.That(info.Address, Is.Null, bad);
                Assert.That(info.IsInternal, Is.False, bad);
            }
        }
    }
}
