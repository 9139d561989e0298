using System;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Matomo.Mvc5.Addresses;

namespace Matomo.Mvc5.Benchmarks
{
    /// <summary>
    /// The internal-address verdict: <see cref="IpRangeList.Contains(IpAddressValue)"/> against lists of 10, 1,000 and
    /// 100,000 disjoint ranges (no two adjacent, so none merge), probed with a fixed mix of 32 addresses inside
    /// ranges, in the gaps between them and outside the list. Time is per look-up.
    /// </summary>
    [MemoryDiagnoser]
    public class IpRangeListBenchmarks
    {
        private const int Probes = 32;
        private IpRangeList _list;
        private IpAddressValue[] _probes;

        [Params(10, 1000, 100000)]
        public int Ranges { get; set; }

        [Params("IPv4", "IPv6")]
        public string Family { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            bool v4 = Family == "IPv4";
            // Range i: IPv4 a /24 every 512 addresses from 1.0.0.0; IPv6 a /64 every other /64 under 2001:db8::/32.
            string Range(int i) => v4
                ? $"{Dotted(0x01000000u + (uint)i * 512u)}/24"
                : $"2001:db8:{(i * 2) >> 16:x}:{(i * 2) & 0xFFFF:x}::/64";
            _list = IpRangeList.Parse(string.Join(", ", Enumerable.Range(0, Ranges).Select(Range)));
            if (_list.RangeCount != Ranges) throw new InvalidOperationException($"expected {Ranges} ranges, got {_list.RangeCount}");

            var random = new Random(12345);
            _probes = new IpAddressValue[Probes];
            for (int p = 0; p < Probes; p++)
            {
                int i = random.Next(Ranges);
                int kind = p % 4; // 0, 1: inside a range; 2: in the gap after it; 3: beyond the list
                string address = v4
                    ? Dotted(kind == 3 ? 0xC0000207u : 0x01000000u + (uint)i * 512u + (kind == 2 ? 256u : 0u) + (uint)random.Next(256))
                    : kind == 3 ? "2001:db9::7"
                    : $"2001:db8:{(i * 2 + (kind == 2 ? 1 : 0)) >> 16:x}:{(i * 2 + (kind == 2 ? 1 : 0)) & 0xFFFF:x}:{random.Next(65536):x}::1";
                if (!IpAddressValue.TryParse(address, out _probes[p])) throw new InvalidOperationException(address);
                if (_list.Contains(_probes[p]) != (kind < 2)) throw new InvalidOperationException($"wrong verdict for {address}");
            }
        }

        [Benchmark(OperationsPerInvoke = Probes)]
        public int Contains()
        {
            IpAddressValue[] probes = _probes;
            int hits = 0;
            for (int i = 0; i < probes.Length; i++)
                if (_list.Contains(probes[i])) hits++;
            return hits;
        }

        private static string Dotted(uint a) => string.Join(".", new[] { a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255 }.Select(x => x.ToString(CultureInfo.InvariantCulture)));
    }
}
