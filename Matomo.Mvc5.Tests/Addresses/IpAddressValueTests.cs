using System.Linq;
using System.Net;
using Matomo.Mvc5.Addresses;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Addresses
{
    /// <summary><see cref="IpAddressValue"/>: parsing bare addresses and the way back to <see cref="System.Net.IPAddress"/>.</summary>
    public class IpAddressValueTests
    {
        [TestCase("1.2.3.4", true)]
        [TestCase("255.255.255.255", true)]
        [TestCase("256.1.1.1", false)]
        [TestCase("1.2.3", false)]
        [TestCase("1.2.3.4.5", false)]
        [TestCase("01.2.3.4", false)]
        [TestCase("1..3.4", false)]
        [TestCase("::", true)]
        [TestCase("fe80::1%eth0", true)]
        [TestCase("2001:db8::g", false)]
        [TestCase("unknown", false)]
        [TestCase("", false)]
        public void Parse_bare_addresses(string text, bool ok)
        {
            Assert.That(IpAddressValue.TryParse(text, out IpAddressValue _), Is.EqualTo(ok));
        }

        [Test]
        public void Address_round_trips()
        {
            foreach (string a in new[] { "1.2.3.4", "2001:db8::1", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" })
            {
                Assert.That(IpAddressValue.TryParse(a, out IpAddressValue v), Is.True);
                Assert.That(v.ToIPAddress(), Is.EqualTo(IPAddress.Parse(a)));
            }
        }
    }
}
