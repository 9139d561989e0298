using System.Net;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Addresses
{
    /// <summary>
    /// Address families never mix: an IPv6 range holds no IPv4 address, an IPv4 range no IPv6 address; an
    /// IPv4 address and its IPv4-mapped IPv6 form are one address, so a range inside <c>::ffff:0:0/96</c> is an IPv4
    /// range, <c>::ffff:0:0/96</c> is every IPv4 address, and a wider IPv6 range has the mapped block cut out.
    /// </summary>
    public class AddressFamilyTests
    {
        private static bool Contains(string list, string address) => IpRangeList.Parse(list).Contains(IPAddress.Parse(address));

        [TestCase("::/0", "10.0.0.1")]
        [TestCase("::/0", "0.0.0.0")]
        [TestCase("::/0", "255.255.255.255")]
        [TestCase("::/0", "::ffff:10.0.0.1")]
        [TestCase("::/1", "203.0.113.5")]
        [TestCase("::/64", "10.0.0.1")]
        [TestCase("::/80", "::ffff:203.0.113.5")]
        [TestCase("::fffe:0:0/95", "192.0.2.1")]
        [TestCase("0.0.0.0/0", "::1")]
        [TestCase("0.0.0.0/0", "2001:db8::1")]
        [TestCase("0.0.0.0/0", "::fffe:ffff:ffff")]
        [TestCase("0.0.0.0/0", "::1:0:0:0")]
        [TestCase("10.0.0.0/8", "::a00:1")]
        public void A_range_of_one_family_holds_no_address_of_the_other(string list, string address)
        {
            Assert.That(Contains(list, address), Is.False);
        }

        [TestCase("::/0", "::")]
        [TestCase("::/0", "::1")]
        [TestCase("::/0", "2001:db8::1")]
        [TestCase("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
        [TestCase("::/0", "::fffe:ffff:ffff")]
        [TestCase("::/0", "::1:0:0:0")]
        [TestCase("::/64", "::1")]
        [TestCase("::fffe:0:0/95", "::fffe:1:2")]
        [TestCase("::ffff:0:0/96", "10.0.0.1")]
        [TestCase("::ffff:0:0/96", "0.0.0.0")]
        [TestCase("::ffff:0:0/96", "255.255.255.255")]
        [TestCase("::ffff:0:0/96", "::ffff:203.0.113.5")]
        [TestCase("::ffff:0:0/97", "127.255.255.255")]
        [TestCase("::ffff:10.0.0.0/104", "10.9.9.9")]
        [TestCase("::ffff:192.0.2.7", "192.0.2.7")]
        [TestCase("10.0.0.0/8", "::ffff:10.1.2.3")]
        [TestCase("0.0.0.0/0", "::ffff:203.0.113.5")]
        public void The_same_family_matches(string list, string address)
        {
            Assert.That(Contains(list, address), Is.True);
        }

        [Test]
        public void The_mapped_block_is_every_IPv4_address_and_nothing_else()
        {
            IpRangeList mapped = IpRangeList.Parse("::ffff:0:0/96");
            foreach (string v4 in new[] { "0.0.0.0", "10.0.0.1", "127.0.0.1", "203.0.113.5", "255.255.255.255" })
                Assert.That(mapped.Contains(IPAddress.Parse(v4)), Is.True, v4);
            foreach (string v6 in new[] { "::", "::1", "::fffe:ffff:ffff", "::1:0:0:0", "2001:db8::1", "::a00:1" })
                Assert.That(mapped.Contains(IPAddress.Parse(v6)), Is.False, v6);
        }

        // The defect: with every IPv6 proxy trusted, an IPv4 client that talks to the site directly and
        // sends its own X-Forwarded-For was believed, and got the internal comment.
        private static MatomoSettings Site(string trustedProxies) =>
            TestSettings.Basic((Keys.TrustedProxies, trustedProxies), (Keys.InternalIps, "10.0.0.0/8"));

        [TestCase("203.0.113.5")]
        [TestCase("::ffff:203.0.113.5")]
        [TestCase("203.0.113.5:4711")]
        public void An_IPv6_trusted_range_does_not_trust_a_direct_IPv4_client(string peer)
        {
            MatomoClientInfo info = Site("::/0").ResolveClient(peer, "10.0.0.1", null);
            Assert.That(info.IsInternal, Is.False);
            Assert.That(info.Address, Is.EqualTo(IPAddress.Parse("203.0.113.5")));
            Assert.That(Site("::/0").ResolveClient(peer, null, "for=10.0.0.1").IsInternal, Is.False, "Forwarded");
        }

        [Test]
        public void An_IPv6_trusted_range_still_trusts_IPv6_proxies()
        {
            MatomoClientInfo info = Site("::/0").ResolveClient("2001:db8::5", "10.0.0.1", null);
            Assert.That(info.Address, Is.EqualTo(IPAddress.Parse("10.0.0.1")));
            Assert.That(info.IsInternal, Is.True);
        }

        [TestCase("::ffff:0:0/96")]
        [TestCase("::ffff:203.0.113.0/120")]
        [TestCase("203.0.113.0/24")]
        public void A_trusted_range_in_the_mapped_block_trusts_IPv4_proxies(string trusted)
        {
            foreach (string peer in new[] { "203.0.113.5", "::ffff:203.0.113.5" })
            {
                MatomoClientInfo info = Site(trusted).ResolveClient(peer, "10.0.0.1", null);
                Assert.That(info.Address, Is.EqualTo(IPAddress.Parse("10.0.0.1")), peer);
                Assert.That(info.IsInternal, Is.True, peer);
            }
            Assert.That(Site(trusted).ResolveClient("2001:db8::5", "10.0.0.1", null).IsInternal, Is.False, "no IPv6 peer is trusted");
        }

        [Test]
        public void Internal_IPv6_ranges_hold_no_IPv4_client_and_the_mapped_block_holds_them_all()
        {
            MatomoSettings v6Internal = TestSettings.Basic((Keys.InternalIps, "::/0"));
            Assert.That(v6Internal.ResolveClient("203.0.113.5", null, null).IsInternal, Is.False);
            Assert.That(v6Internal.ResolveClient("::ffff:203.0.113.5", null, null).IsInternal, Is.False);
            Assert.That(v6Internal.ResolveClient("2001:db8::5", null, null).IsInternal, Is.True);
            MatomoSettings v4Internal = TestSettings.Basic((Keys.InternalIps, "::ffff:0:0/96"));
            Assert.That(v4Internal.ResolveClient("203.0.113.5", null, null).IsInternal, Is.True);
            Assert.That(v4Internal.ResolveClient("2001:db8::5", null, null).IsInternal, Is.False);
        }
    }
}
