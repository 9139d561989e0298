using System.Linq;
using System.Net;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests
{
    public class IpTests
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

        [Test]
        public void Large_lists_agree_with_a_linear_scan()
        {
            var entries = Enumerable.Range(0, 2000).Select(i => $"{(i * 7) % 223 + 1}.{(i * 13) % 256}.{i % 256}.0/{16 + i % 17}").ToList();
            IpRangeList list = IpRangeList.Parse(string.Join(",", entries));
            var random = new System.Random(42);
            for (int n = 0; n < 5000; n++)
            {
                var bytes = new byte[4];
                random.NextBytes(bytes);
                var address = new IPAddress(bytes);
                bool expected = entries.Any(e => InRange(e, bytes));
                Assert.That(list.Contains(address), Is.EqualTo(expected), address.ToString());
            }
        }

        private static bool InRange(string cidr, byte[] address)
        {
            string[] parts = cidr.Split('/');
            byte[] network = IPAddress.Parse(parts[0]).GetAddressBytes();
            int prefix = int.Parse(parts[1]);
            uint mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
            uint a = (uint)(address[0] << 24 | address[1] << 16 | address[2] << 8 | address[3]);
            uint b = (uint)(network[0] << 24 | network[1] << 16 | network[2] << 8 | network[3]);
            return (a & mask) == (b & mask);
        }

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
