using System.Linq;
using System.Net;
using Matomo.Mvc5.Addresses;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Addresses
{
    /// <summary><see cref="IpRangeList"/>: what a list contains, and how its entries merge.</summary>
    public class IpRangeListTests
    {
        [TestCase("10.0.0.0/8", "10.255.255.255", true)]
        [TestCase("10.0.0.0/8", "11.0.0.0", false)]
        [TestCase("10.0.0.0/8", "9.255.255.255", false)]
        [TestCase("192.0.2.7", "192.0.2.7", true)]
        [TestCase("192.0.2.7", "192.0.2.8", false)]
        [TestCase("192.0.2.7/24", "192.0.2.200", true)]
        [TestCase("0.0.0.0/0", "203.0.113.9", true)]
        [TestCase("0.0.0.0/0", "2001:db8::1", false)]
        [TestCase("10.0.0.0/8", "::ffff:10.1.2.3", true)]
        [TestCase("2001:db8::/32", "2001:db8:ffff::1", true)]
        [TestCase("2001:db8::/32", "2001:db9::1", false)]
        [TestCase("::/0", "2001:db8::1", true)]
        [TestCase("fe80::/10", "febf::1", true)]
        [TestCase("fe80::/10", "fec0::1", false)]
        [TestCase("::1", "::1", true)]
        [TestCase("2001:db8::1/128", "2001:db8::2", false)]
        [TestCase("::ffff:10.0.0.0/104", "10.9.9.9", true)]
        public void Contains(string list, string address, bool expected)
        {
            Assert.That(IpRangeList.Parse(list).Contains(IPAddress.Parse(address)), Is.EqualTo(expected));
        }

        [Test]
        public void Overlapping_and_adjacent_ranges_merge()
        {
            IpRangeList list = IpRangeList.Parse("10.0.0.0/9, 10.128.0.0/9 10.1.0.0/16;192.168.0.1\n192.168.0.2");
            Assert.That(list.RangeCount, Is.EqualTo(2));
            Assert.That(list.Entries, Has.Count.EqualTo(5));
            Assert.That(list.Contains(IPAddress.Parse("10.200.0.1")), Is.True);
            Assert.That(list.Contains(IPAddress.Parse("192.168.0.3")), Is.False);
        }
    }
}
