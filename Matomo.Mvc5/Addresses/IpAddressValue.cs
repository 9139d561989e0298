using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Matomo.Mvc5.Addresses
{
    /// <summary>
    /// An IP address as one 128-bit number: IPv6 as is, IPv4 as its IPv4-mapped IPv6 form (<c>::ffff:a.b.c.d</c>),
    /// so that IPv4, IPv6 and IPv4-mapped addresses share one ordering and one range list.
    /// </summary>
    internal readonly struct IpAddressValue : IComparable<IpAddressValue>
    {
        private const ulong V4MappedHigh = 0UL;
        private const ulong V4MappedLowPrefix = 0x0000FFFF00000000UL;

        public readonly ulong High;
        public readonly ulong Low;

        public IpAddressValue(ulong high, ulong low)
        {
            High = high;
            Low = low;
        }

        public static IpAddressValue FromIPv4(uint address) => new IpAddressValue(V4MappedHigh, V4MappedLowPrefix | address);

        /// <summary>True for IPv4 and IPv4-mapped IPv6 addresses.</summary>
        public bool IsIPv4 => High == V4MappedHigh && (Low & 0xFFFFFFFF00000000UL) == V4MappedLowPrefix;

        public int CompareTo(IpAddressValue other)
        {
            int c = High.CompareTo(other.High);
            return c != 0 ? c : Low.CompareTo(other.Low);
        }

        public IpAddressValue Previous() => Low == 0 ? new IpAddressValue(High - 1, ulong.MaxValue) : new IpAddressValue(High, Low - 1);

        public IpAddressValue Next() => Low == ulong.MaxValue ? new IpAddressValue(High + 1, 0) : new IpAddressValue(High, Low + 1);

        /// <summary>The first address of the <paramref name="prefixLength"/>-bit network (0 to 128) holding this one.</summary>
        public IpAddressValue NetworkStart(int prefixLength)
        {
            Mask(prefixLength, out ulong hi, out ulong lo);
            return new IpAddressValue(High & hi, Low & lo);
        }

        /// <summary>The last address of the <paramref name="prefixLength"/>-bit network (0 to 128) holding this one.</summary>
        public IpAddressValue NetworkEnd(int prefixLength)
        {
            Mask(prefixLength, out ulong hi, out ulong lo);
            return new IpAddressValue(High | ~hi, Low | ~lo);
        }

        private static void Mask(int prefixLength, out ulong hi, out ulong lo)
        {
            hi = prefixLength >= 64 ? ulong.MaxValue : prefixLength == 0 ? 0 : ulong.MaxValue << (64 - prefixLength);
            lo = prefixLength <= 64 ? 0 : prefixLength >= 128 ? ulong.MaxValue : ulong.MaxValue << (128 - prefixLength);
        }

        public IPAddress ToIPAddress()
        {
            if (IsIPv4)
            {
                uint v4 = (uint)Low;
                return new IPAddress(new[] { (byte)(v4 >> 24), (byte)(v4 >> 16), (byte)(v4 >> 8), (byte)v4 });
            }
            var bytes = new byte[16];
            for (int i = 0; i < 8; i++)
            {
                bytes[i] = (byte)(High >> (56 - 8 * i));
                bytes[8 + i] = (byte)(Low >> (56 - 8 * i));
            }
            return new IPAddress(bytes);
        }

        public static IpAddressValue FromIPAddress(IPAddress address)
        {
            if (address == null) throw new ArgumentNullException(nameof(address));
            byte[] b = address.GetAddressBytes();
            if (address.AddressFamily == AddressFamily.InterNetwork)
                return FromIPv4((uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]));
            ulong hi = 0, lo = 0;
            for (int i = 0; i < 8; i++)
            {
                hi = hi << 8 | b[i];
                lo = lo << 8 | b[8 + i];
            }
            return new IpAddressValue(hi, lo);
        }

        /// <summary>
        /// Parses a bare address: dotted-quad IPv4 or IPv6 (an IPv6 zone such as <c>%eth0</c> is dropped).
        /// No ports, brackets or surrounding text.
        /// </summary>
        public static bool TryParse(string s, int start, int length, out IpAddressValue value)
        {
            value = default;
            if (length <= 0 || length > 100) return false;
            if (TryParseIPv4(s, start, length, out uint v4))
            {
                value = FromIPv4(v4);
                return true;
            }
            int end = start + length;
            bool hasColon = false;
            for (int i = start; i < end; i++)
            {
                char c = s[i];
                if (c == '%') { end = i; break; }
                if (c == ':') hasColon = true;
                else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.')) return false;
            }
            if (!hasColon || end == start) return false;
            // An embedded IPv4 tail (::ffff:10.0.0.1) follows the plain IPv4 rules: no leading zeros.
            int lastColon = s.LastIndexOf(':', end - 1, end - start);
            if (s.IndexOf('.', lastColon + 1, end - lastColon - 1) >= 0 && !TryParseIPv4(s, lastColon + 1, end - lastColon - 1, out _))
                return false;
            if (!IPAddress.TryParse(s.Substring(start, end - start), out IPAddress parsed)
                || parsed.AddressFamily != AddressFamily.InterNetworkV6) return false;
            value = FromIPAddress(parsed);
            return true;
        }

        public static bool TryParse(string s, out IpAddressValue value)
        {
            value = default;
            return s != null && TryParse(s, 0, s.Length, out value);
        }

        private static bool TryParseIPv4(string s, int start, int length, out uint value)
        {
            value = 0;
            if (length < 7 || length > 15) return false;
            int end = start + length, part = 0, digits = 0, dots = 0;
            for (int i = start; i < end; i++)
            {
                char c = s[i];
                if (c >= '0' && c <= '9')
                {
                    if (++digits > 3 || digits == 2 && part == 0) return false; // no leading zeros (octal look-alikes)
                    part = part * 10 + (c - '0');
                    if (part > 255) return false;
                }
                else if (c == '.')
                {
                    if (digits == 0 || ++dots > 3) return false;
                    value = value << 8 | (uint)part;
                    part = 0;
                    digits = 0;
                }
                else return false;
            }
            if (digits == 0 || dots != 3) return false;
            value = value << 8 | (uint)part;
            return true;
        }

        public override string ToString() => ToIPAddress().ToString();
    }
}
