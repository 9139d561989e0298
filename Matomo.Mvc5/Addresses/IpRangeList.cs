using System;
using System.Collections.Generic;
using System.Net;
using Matomo.Mvc5.Text;

namespace Matomo.Mvc5.Addresses
{
    /// <summary>
    /// An immutable set of IPv4 and IPv6 addresses and CIDR ranges, such as <c>10.0.0.0/8, 192.0.2.7, fe80::/10</c>,
    /// parsed once and merged into an index whose look-ups take the same few nanoseconds whatever the list's size.
    /// </summary>
    /// <remarks>
    /// Address families never mix, as in Rails' IPAddr and ASP.NET Core's IPNetwork: an IPv6 range such as
    /// <c>::/0</c> holds no IPv4 address. An IPv4 address and its IPv4-mapped IPv6 form (<c>::ffff:10.1.2.3</c>, as a
    /// dual-stack socket reports an IPv4 peer) are the same address, so an IPv6 range written inside the mapped block
    /// <c>::ffff:0:0/96</c> is an IPv4 range: <c>::ffff:0:0/96</c> itself is every IPv4 address, and
    /// <c>::ffff:10.0.0.0/104</c> is <c>10.0.0.0/8</c>. A wider IPv6 range has the mapped block cut out.
    /// </remarks>
    public sealed class IpRangeList
    {
        private static readonly IpRange MappedBlock = new IpRange(IpAddressValue.FromIPv4(0), IpAddressValue.FromIPv4(uint.MaxValue));

        private readonly IpRangeIndex _index;
        private readonly string[] _entries;

        /// <summary>A list that holds no address.</summary>
        public static readonly IpRangeList Empty = new IpRangeList(new List<IpRange>(), new string[0]);

        private IpRangeList(List<IpRange> ranges, string[] entries)
        {
            _entries = entries;
            _index = new IpRangeIndex(ranges);
        }

        /// <summary>The entries the list was made of, as written.</summary>
        public IReadOnlyList<string> Entries => _entries;

        /// <summary>How many disjoint ranges the entries merged into.</summary>
        public int RangeCount => _index.RangeCount;

        /// <summary>
        /// Parses addresses and CIDR ranges separated by commas, semicolons and/or white space.
        /// </summary>
        /// <exception cref="FormatException">An entry is not an address or a CIDR range; the message names it.</exception>
        public static IpRangeList Parse(string list)
        {
            if (!TryParse(list, out IpRangeList result, out string error)) throw new FormatException(error);
            return result;
        }

        /// <summary>Parses like <see cref="Parse"/>, returning false and the reason instead of throwing.</summary>
        public static bool TryParse(string list, out IpRangeList result, out string error)
        {
            result = null;
            error = null;
            var ranges = new List<IpRange>();
            string[] entries = ListSyntax.Split(list);
            foreach (string entry in entries)
            {
                if (!TryParseRange(entry, out IpRange range, out error)) return false;
                AddKeepingFamilies(ranges, range);
            }
            result = new IpRangeList(ranges, entries);
            return true;
        }

        private static bool TryParseRange(string entry, out IpRange range, out string error)
        {
            range = default;
            error = null;
            int slash = entry.IndexOf('/');
            string addressPart = slash < 0 ? entry : entry.Substring(0, slash);
            if (!IpAddressValue.TryParse(addressPart, out var address) || addressPart.IndexOf('%') >= 0)
            {
                error = $"'{entry}' is not an IPv4 or IPv6 address or CIDR range (expected e.g. 192.0.2.7, 10.0.0.0/8, 2001:db8::/32)";
                return false;
            }
            bool v4 = addressPart.IndexOf(':') < 0;
            int maxPrefix = v4 ? 32 : 128;
            int prefix = maxPrefix;
            if (slash >= 0)
            {
                string p = entry.Substring(slash + 1);
                if (p.Length > 3 || !ListSyntax.TryParseNatural(p, out prefix) || prefix > maxPrefix)
                {
                    error = $"'{entry}' has an invalid prefix length '{p}' (expected 0 to {maxPrefix})";
                    return false;
                }
            }
            int bits = v4 ? 96 + prefix : prefix;
            range = new IpRange(address.NetworkStart(bits), address.NetworkEnd(bits));
            return true;
        }

        /// <summary>Adds <paramref name="range"/>; an IPv6 range that reaches beyond the IPv4-mapped block loses that block.</summary>
        private static void AddKeepingFamilies(List<IpRange> ranges, IpRange range)
        {
            bool insideMapped = range.Start.CompareTo(MappedBlock.Start) >= 0 && range.End.CompareTo(MappedBlock.End) <= 0;
            bool overlapsMapped = range.Start.CompareTo(MappedBlock.End) <= 0 && range.End.CompareTo(MappedBlock.Start) >= 0;
            if (insideMapped || !overlapsMapped)
            {
                ranges.Add(range);
                return;
            }
            if (range.Start.CompareTo(MappedBlock.Start) < 0) ranges.Add(new IpRange(range.Start, MappedBlock.Start.Previous()));
            if (range.End.CompareTo(MappedBlock.End) > 0) ranges.Add(new IpRange(MappedBlock.End.Next(), range.End));
        }

        /// <summary>True when <paramref name="address"/> lies in one of the ranges.</summary>
        public bool Contains(IPAddress address) => address != null && Contains(IpAddressValue.FromIPAddress(address));

        internal bool Contains(IpAddressValue address) => _index.Contains(address);

        /// <summary>The entries, comma-separated.</summary>
        public override string ToString() => string.Join(", ", _entries);
    }
}
