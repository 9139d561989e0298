using System.Linq;
using System.Net;
using Matomo.Mvc5.Addresses;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Addresses
{
    /// <summary><see cref="IpRangeIndex"/>: the merged ranges, their binary search and the bucket table, against a linear scan.</summary>
    public class IpRangeIndexTests
    {
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
    }
}
