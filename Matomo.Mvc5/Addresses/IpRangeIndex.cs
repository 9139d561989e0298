using System;
using System.Collections.Generic;

namespace Matomo.Mvc5.Addresses
{
    /// <summary>
    /// The look-up structure behind <see cref="IpRangeList"/>: disjoint ranges, merged and sorted once, searched by
    /// binary search. A long list also gets a table of 65,536 buckets indexed by the 16 bits that follow the prefix
    /// all its ranges share, so a look-up searches one bucket (usually one or two ranges) whatever the list's size.
    /// </summary>
    internal sealed class IpRangeIndex
    {
        /// <summary>Lists of at least this many ranges get the bucket table (2 × 256 KB).</summary>
        internal const int BucketThreshold = 64;
        private const int BucketBits = 16;

        private readonly IpAddressValue[] _starts;
        private readonly IpAddressValue[] _ends;
        private readonly int[] _bucketFirst, _bucketEnd; // per bucket: the ranges [first, end) that overlap it
        private readonly ulong _prefixMaskHigh, _prefixMaskLow, _prefixHigh, _prefixLow;
        private readonly int _keyShift;

        /// <summary>Merges <paramref name="ranges"/> (overlapping or adjacent ones become one) and indexes them.</summary>
        public IpRangeIndex(List<IpRange> ranges)
        {
            ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
            var starts = new List<IpAddressValue>(ranges.Count);
            var ends = new List<IpAddressValue>(ranges.Count);
            foreach (var range in ranges)
            {
                IpAddressValue start = range.Start, end = range.End;
                int last = ends.Count - 1;
                if (last >= 0 && OverlapsOrTouches(ends[last], start))
                {
                    if (end.CompareTo(ends[last]) > 0) ends[last] = end;
                    continue;
                }
                starts.Add(start);
                ends.Add(end);
            }
            _starts = starts.ToArray();
            _ends = ends.ToArray();
            if (_starts.Length < BucketThreshold) return;

            // The prefix shared by every range (at most 112 bits, so that 16 key bits follow it).
            int prefix = Math.Min(128 - BucketBits, CommonPrefixLength(_starts[0], _ends[_ends.Length - 1]));
            IpAddressValue blockStart = _starts[0].NetworkStart(prefix);
            IpAddressValue mask = new IpAddressValue(ulong.MaxValue, ulong.MaxValue).NetworkStart(prefix);
            _prefixHigh = blockStart.High;
            _prefixLow = blockStart.Low;
            _prefixMaskHigh = mask.High;
            _prefixMaskLow = mask.Low;
            _keyShift = 128 - prefix - BucketBits;
            _bucketFirst = new int[1 << BucketBits];
            _bucketEnd = new int[1 << BucketBits];
            int first = 0, after = 0, n = _starts.Length;
            for (int key = 0; key < 1 << BucketBits; key++)
            {
                IpAddressValue bucketStart = WithKey(key), bucketLast = bucketStart.NetworkEnd(prefix + BucketBits);
                while (first < n && _ends[first].CompareTo(bucketStart) < 0) first++;
                while (after < n && _starts[after].CompareTo(bucketLast) <= 0) after++;
                _bucketFirst[key] = first;
                _bucketEnd[key] = after;
            }
        }

        /// <summary>How many disjoint ranges the input merged into.</summary>
        public int RangeCount => _starts.Length;

        /// <summary>Whether a range starting at <paramref name="start"/> merges with one ending at <paramref name="end"/>
        /// (sorted by start): it overlaps it or begins right after it.</summary>
        private static bool OverlapsOrTouches(IpAddressValue end, IpAddressValue start)
        {
            if (start.CompareTo(end) <= 0) return true;
            bool endIsLast = end.High == ulong.MaxValue && end.Low == ulong.MaxValue;
            return !endIsLast && start.CompareTo(end.Next()) == 0;
        }

        private static int CommonPrefixLength(IpAddressValue a, IpAddressValue b)
        {
            ulong diff = a.High ^ b.High;
            int bits = 0;
            if (diff == 0)
            {
                bits = 64;
                diff = a.Low ^ b.Low;
                if (diff == 0) return 128;
            }
            while ((diff & 0x8000000000000000UL) == 0)
            {
                bits++;
                diff <<= 1;
            }
            return bits;
        }

        private IpAddressValue WithKey(int key)
        {
            ulong high = _prefixHigh, low = _prefixLow, k = (ulong)key;
            if (_keyShift >= 64) high |= k << (_keyShift - 64);
            else
            {
                low |= k << _keyShift;
                if (_keyShift > 64 - BucketBits) high |= k >> (64 - _keyShift);
            }
            return new IpAddressValue(high, low);
        }

        private int KeyOf(ulong high, ulong low)
        {
            int shift = _keyShift;
            if (shift >= 64) return (int)((high >> (shift - 64)) & 0xFFFF);
            if (shift <= 64 - BucketBits) return (int)((low >> shift) & 0xFFFF);
            return (int)(((high << (64 - shift)) | (low >> shift)) & 0xFFFF);
        }

        /// <summary>True when <paramref name="address"/> lies in one of the ranges.</summary>
        public bool Contains(IpAddressValue address)
        {
            ulong high = address.High, low = address.Low;
            int lo = 0, hi = _starts.Length - 1;
            if (_bucketFirst != null)
            {
                if ((high & _prefixMaskHigh) != _prefixHigh || (low & _prefixMaskLow) != _prefixLow) return false;
                int key = KeyOf(high, low);
                lo = _bucketFirst[key];
                hi = _bucketEnd[key] - 1;
            }
            // The last range that starts at or before the address is the only one that can hold it.
            IpAddressValue[] starts = _starts;
            int found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >> 1;
                IpAddressValue start = starts[mid];
                if (start.High < high || start.High == high && start.Low <= low) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            if (found < 0) return false;
            IpAddressValue end = _ends[found];
            return high < end.High || high == end.High && low <= end.Low;
        }

    }

    /// <summary>A closed range of addresses, first to last.</summary>
    internal struct IpRange
    {
        public IpRange(IpAddressValue start, IpAddressValue end)
        {
            Start = start;
            End = end;
        }

        public readonly IpAddressValue Start, End;
    }
}
