using System.Linq;
using System.Net;
using Matomo.Mvc5.Addresses;
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

        [TestCase(IpRangeIndex.BucketThreshold - 1, "mixed")]
        [TestCase(IpRangeIndex.BucketThreshold, "mixed")]
        [TestCase(5000, "mixed")]
        [TestCase(3000, "v4")]
        [TestCase(3000, "v6 under a /50")]
        public void Bucketed_lists_agree_with_a_linear_scan_in_every_family(int count, string family)
        {
            var random = new System.Random(count);
            var ranges = new System.Collections.Generic.List<(byte[] Network, int Prefix)>();
            for (int i = 0; i < count; i++)
            {
                bool v6 = family == "mixed" ? i % 3 == 0 : family != "v4";
                var bytes = new byte[v6 ? 16 : 4];
                random.NextBytes(bytes);
                if (v6) { bytes[0] = 0x20; bytes[1] = 0x01; bytes[2] = 0x0d; bytes[3] = (byte)(0xb8 + i % 2); }
                if (family == "v6 under a /50") { bytes[3] = 0xb8; bytes[4] = bytes[5] = 0; bytes[6] &= 0x3F; } // the key straddles the two halves
                int prefix = v6 ? (family == "mixed" ? 40 + random.Next(89) : 100 + random.Next(29)) : (family == "mixed" ? 8 : 16) + random.Next(family == "mixed" ? 25 : 17);
                ranges.Add((bytes, prefix));
            }
            IpRangeList list = IpRangeList.Parse(string.Join(" ", ranges.Select(r => new IPAddress(r.Network) + "/" + r.Prefix)));
            if (count >= 1000) Assert.That(list.RangeCount, Is.GreaterThan(count / 2), "ranges stay apart, so the buckets are exercised");
            for (int n = 0; n < 4000; n++)
            {
                byte[] probe;
                if (n % 2 == 0)
                {
                    // Near a range: its network address with a few random low bits.
                    var r = ranges[random.Next(ranges.Count)];
                    probe = (byte[])r.Network.Clone();
                    probe[probe.Length - 1] ^= (byte)random.Next(256);
                    if (random.Next(2) == 0) probe[probe.Length / 2] ^= (byte)random.Next(256);
                }
                else
                {
                    probe = new byte[random.Next(2) == 0 ? 4 : 16];
                    random.NextBytes(probe);
                    if (family == "v6 under a /50" && probe.Length == 16 && random.Next(2) == 0)
                    {
                        probe[0] = 0x20; probe[1] = 0x01; probe[2] = 0x0d; probe[3] = 0xb8; probe[4] = probe[5] = 0; probe[6] &= 0x3F;
                    }
                }
                bool expected = ranges.Any(r => r.Network.Length == probe.Length && SamePrefix(r.Network, probe, r.Prefix));
                Assert.That(list.Contains(new IPAddress(probe)), Is.EqualTo(expected), new IPAddress(probe).ToString());
            }
        }

        [Test]
        public void Bucketed_list_of_one_family_and_the_edges_of_the_space()
        {
            var entries = Enumerable.Range(0, 300).Select(i => $"2001:db8:{i:x}::/48").Concat(new[] { "::/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" });
            IpRangeList list = IpRangeList.Parse(string.Join(",", entries));
            Assert.That(list.Contains(IPAddress.Parse("::")), Is.True);
            Assert.That(list.Contains(IPAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")), Is.True);
            Assert.That(list.Contains(IPAddress.Parse("2001:db8:12b:ffff::1")), Is.True);
            Assert.That(list.Contains(IPAddress.Parse("2001:db8:12c::1")), Is.False);
            Assert.That(list.Contains(IPAddress.Parse("::1")), Is.False);
            Assert.That(list.Contains(IPAddress.Parse("10.0.0.1")), Is.False);
        }

        private static bool SamePrefix(byte[] a, byte[] b, int bits)
        {
            for (int i = 0; i < bits; i++)
                if ((a[i / 8] >> (7 - i % 8) & 1) != (b[i / 8] >> (7 - i % 8) & 1)) return false;
            return true;
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
