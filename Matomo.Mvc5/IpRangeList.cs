using System;
using System.Collections.Generic;
using System.Net;

namespace Matomo.Mvc5
{
    /// <summary>
    /// An immutable set of IPv4 and IPv6 addresses and CIDR ranges, such as <c>10.0.0.0/8, 192.0.2.7, fe80::/10</c>.
    /// Ranges are merged and sorted once, so a look-up is a binary search whatever the size of the list.
    /// IPv4-mapped IPv6 addresses (<c>::ffff:10.1.2.3</c>) match IPv4 ranges.
    /// </summary>
    public sealed class IpRangeList
    {
        private static readonly char[] Separators = { ',', ' ', '\t', '\r', '\n', ';' };

        private readonly IpAddressValue[] _starts;
        private readonly IpAddressValue[] _ends;
        private readonly string[] _entries;

        /// <summary>A list that holds no address.</summary>
        public static readonly IpRangeList Empty = new IpRangeList(new List<Range>(), new string[0]);

        private IpRangeList(List<Range> ranges, string[] entries)
        {
            _entries = entries;
            ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
            var starts = new List<IpAddressValue>(ranges.Count);
            var ends = new List<IpAddressValue>(ranges.Count);
            foreach (var range in ranges)
            {
                IpAddressValue start = range.Start, end = range.End;
                int last = ends.Count - 1;
                // Merge overlapping or adjacent ranges (adjacent: start == previous end + 1).
                if (last >= 0 && (start.CompareTo(ends[last]) <= 0 || ends[last].CompareTo(new IpAddressValue(ulong.MaxValue, ulong.MaxValue)) != 0 && start.CompareTo(ends[last].Next()) == 0))
                {
                    if (end.CompareTo(ends[last]) > 0) ends[last] = end;
                    continue;
                }
                starts.Add(start);
                ends.Add(end);
            }
            _starts = starts.ToArray();
            _ends = ends.ToArray();
        }

        /// <summary>The entries the list was made of, as written.</summary>
        public IReadOnlyList<string> Entries => _entries;

        /// <summary>How many disjoint ranges the entries merged into.</summary>
        public int RangeCount => _starts.Length;

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
            var ranges = new List<Range>();
            var entries = new List<string>();
            foreach (string entry in (list ?? string.Empty).Split(Separators, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TryParseRange(entry, out var start, out var end, out error)) return false;
                ranges.Add(new Range { Start = start, End = end });
                entries.Add(entry);
            }
            result = new IpRangeList(ranges, entries.ToArray());
            return true;
        }

        private static bool TryParseRange(string entry, out IpAddressValue start, out IpAddressValue end, out string error)
        {
            start = end = default;
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
                if (p.Length == 0 || p.Length > 3 || !int.TryParse(p, System.Globalization.NumberStyles.None,
                        System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix)
                {
                    error = $"'{entry}' has an invalid prefix length '{p}' (expected 0 to {maxPrefix})";
                    return false;
                }
            }
            int bits = v4 ? 96 + prefix : prefix;
            start = address.NetworkStart(bits);
            end = address.NetworkEnd(bits);
            return true;
        }

        /// <summary>True when <paramref name="address"/> lies in one of the ranges.</summary>
        public bool Contains(IPAddress address) => address != null && Contains(IpAddressValue.FromIPAddress(address));

        internal bool Contains(IpAddressValue address)
        {
            // The last range that starts at or before the address is the only one that can hold it.
            int lo = 0, hi = _starts.Length - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >> 1;
                if (_starts[mid].CompareTo(address) <= 0) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            return found >= 0 && address.CompareTo(_ends[found]) <= 0;
        }

        private struct Range
        {
            public IpAddressValue Start, End;
        }

        /// <summary>The entries, comma-separated.</summary>
        public override string ToString() => string.Join(", ", _entries);
    }
}
