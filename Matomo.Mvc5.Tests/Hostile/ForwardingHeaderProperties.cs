using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Hostile
{
    /// <summary>
    /// Generated and pathological X-Forwarded-For and Forwarded headers. Never an exception; never a client address,
    /// and so never an internal verdict, that the chain does not justify; the hops examined stop at
    /// <see cref="ClientAddressResolver.MaxHops"/>. The verdicts are checked against an oracle written here from the
    /// rules (RFC 7239, Rails' RemoteIp), not from the library's code.
    /// </summary>
    [TestFixture]
    public class ForwardingHeaderProperties
    {
        // ---- The oracle ------------------------------------------------------------------------------------------

        /// <summary>
        /// A CIDR range as bytes and a prefix. Families never mix: an IPv4 range holds IPv4 addresses (and their
        /// IPv4-mapped IPv6 forms, the same addresses), an IPv6 range IPv6 addresses only; an IPv6 range written inside
        /// the mapped block ::ffff:0:0/96 is the IPv4 range it spells, and a wider IPv6 range holds no IPv4 address.
        /// </summary>
        private sealed class Cidr
        {
            public byte[] Network;
            public int Prefix;

            public static Cidr Of(string text)
            {
                string[] parts = text.Split('/');
                byte[] network = IPAddress.Parse(parts[0]).GetAddressBytes();
                int prefix = parts.Length > 1 ? int.Parse(parts[1]) : network.Length * 8;
                if (network.Length == 16 && prefix >= 96 && IsMapped(network)) return new Cidr { Network = network.Skip(12).ToArray(), Prefix = prefix - 96 };
                return new Cidr { Network = network, Prefix = prefix };
            }

            public bool Contains(IPAddress address)
            {
                byte[] b = address.GetAddressBytes();
                if (b.Length == 16 && IsMapped(b)) b = b.Skip(12).ToArray(); // ::ffff:a.b.c.d is a.b.c.d
                if (b.Length != Network.Length) return false;
                for (int bit = 0; bit < Prefix; bit++)
                {
                    int mask = 0x80 >> (bit % 8);
                    if ((b[bit / 8] & mask) != (Network[bit / 8] & mask)) return false;
                }
                return true;
            }
        }

        private static bool IsMapped(byte[] b) => b.Take(10).All(x => x == 0) && b[10] == 0xFF && b[11] == 0xFF;

        private static bool InAny(IEnumerable<Cidr> ranges, IPAddress a) => ranges.Any(r => r.Contains(a));

        private static readonly Regex DottedQuad = new Regex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\z");

        /// <summary>
        /// One hop as RFC 7239 and X-Forwarded-For write it: a.b.c.d, a.b.c.d:port, v6, v6%zone, [v6], [v6]:port, where
        /// brackets hold IPv6 text only (RFC 3986), a port is 1 to 65535, and a dotted quad (alone or as the tail of
        /// an IPv6 address) has no leading zeros.
        /// </summary>
        /// <remarks>A port is RFC 3986's *DIGIT read as a number, so 080 is 80; only its value must lie in 1 to 65535.</remarks>
        private static IPAddress OracleHop(string text)
        {
            string s = text.Trim(' ', '\t', '\r', '\n');
            string host = s, port = null;
            Match bracketed = Regex.Match(s, @"^\[([^\]]*:[^\]]*)\](?::([0-9]+))?\z");
            if (bracketed.Success) { host = bracketed.Groups[1].Value; port = bracketed.Groups[2].Success ? bracketed.Groups[2].Value : null; }
            else if (s.StartsWith("[")) return null;
            else
            {
                Match v4Port = Regex.Match(s, @"^([0-9.]+):([0-9]+)\z");
                if (v4Port.Success) { host = v4Port.Groups[1].Value; port = v4Port.Groups[2].Value; }
            }
            if (port != null)
            {
                string digits = port.TrimStart('0');
                if (digits.Length == 0 || digits.Length > 5 || int.Parse(digits) > 65535) return null;
            }
            if (host.Contains(":"))
            {
                int zone = host.IndexOf('%');
                if (zone >= 0) host = host.Substring(0, zone);
                string tail = host.Substring(host.LastIndexOf(':') + 1);
                if (tail.Contains(".") && !DottedQuad.IsMatch(tail)) return null;
                return Regex.IsMatch(host, @"^[0-9A-Fa-f:.]+\z") && IPAddress.TryParse(host, out IPAddress v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
            }
            return DottedQuad.IsMatch(host) ? IPAddress.Parse(host) : null;
        }

        /// <summary>Splits at <paramref name="separator"/> outside RFC 7230 quoted-strings (where \ escapes the next character).</summary>
        private static List<string> SplitOutsideQuotes(string s, char separator)
        {
            var parts = new List<string>();
            bool quoted = false;
            int start = 0;
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (quoted && c == '\\') i++;
                else if (c == '"') quoted = !quoted;
                else if (c == separator && !quoted) { parts.Add(s.Substring(start, i - start)); start = i + 1; }
            }
            parts.Add(s.Substring(start));
            return parts;
        }

        /// <summary>The value of the for= parameter of one Forwarded element, unquoted; null when it has none.</summary>
        private static string OracleForwardedFor(string element)
        {
            foreach (string pair in SplitOutsideQuotes(element, ';'))
            {
                string p = pair.Trim(' ', '\t');
                if (p.StartsWith("for=", StringComparison.OrdinalIgnoreCase))
                {
                    string v = p.Substring(4).Trim(' ', '\t');
                    return v.Length >= 2 && v[0] == '"' && v[v.Length - 1] == '"' ? v.Substring(1, v.Length - 2) : v;
                }
            }
            return null;
        }

        private static bool Same(IPAddress a, IPAddress b)
        {
            byte[] x = a.GetAddressBytes(), y = b.GetAddressBytes();
            byte[] V4(byte[] z) => z.Length == 16 && z.Take(10).All(q => q == 0) && z[10] == 0xFF && z[11] == 0xFF ? z.Skip(12).ToArray() : z;
            return V4(x).SequenceEqual(V4(y));
        }

        /// <summary>
        /// Every address the resolver may answer for this request: the peer when it is untrusted or forwarded nothing;
        /// otherwise each hop of the chosen header, walking from the right, as long as every hop to its right was an
        /// address of a trusted proxy and at most MaxHops non-empty hops have been examined. The last one listed is
        /// the one the rules pick. When the client's part of a request is opaque (<see cref="Request.Opaque"/>: any
        /// string at all, where quoting may not even balance), only the proxies' own part right of it is walked: when
        /// every hop there is trusted, the answer lies in the client's part, which no rule pins down (<see cref="Walk.Open"/>).
        /// </summary>
        private static Walk Justified(Request r, List<Cidr> trusted)
        {
            var walk = new Walk();
            IPAddress peer = OracleHop(r.Remote);
            if (peer == null) return walk;
            walk.Allowed.Add(peer);
            if (!InAny(trusted, peer)) return walk;
            // The rule: X-Forwarded-For or Forwarded as configured; auto reads X-Forwarded-For when the request has a
            // non-empty one, and Forwarded otherwise.
            bool useXff;
            switch (r.Kind)
            {
                case ForwardedHeaderKind.XForwardedFor: useXff = true; break;
                case ForwardedHeaderKind.Forwarded: useXff = false; break;
                default: useXff = r.XForwardedFor != null && r.XForwardedFor.Length > 0; break;
            }
            walk.ReadForwardedDespiteEmptyXff = !useXff && r.XForwardedFor == "" && !string.IsNullOrEmpty(r.Forwarded);
            string header = useXff ? r.XForwardedFor : r.Forwarded;
            if (string.IsNullOrEmpty(header)) return walk;
            string walked = r.Opaque ? (useXff ? r.XffProxies : r.ForwardedProxies) ?? "" : header;
            string[] items = (useXff ? walked.Split(',').ToList() : SplitOutsideQuotes(walked, ',')).Select(i => i.Trim(' ', '\t', '\r', '\n')).Where(i => i.Length > 0).Reverse().ToArray();
            int proxyItems = r.ProxyHops;
            for (int k = 0; k < items.Length; k++)
            {
                walk.Examined = k + 1;
                if (k >= ClientAddressResolver.MaxHops) { walk.Allowed.Clear(); return walk; } // too long a chain: unknown
                IPAddress hop = OracleHop(useXff ? items[k] : OracleForwardedFor(items[k]) ?? "");
                if (hop == null) { walk.Allowed.Clear(); return walk; } // a broken chain: unknown
                walk.Allowed.Add(hop);
                if (k >= proxyItems) walk.InClientPart = true;
                if (!InAny(trusted, hop)) return walk;
            }
            walk.Open = r.Opaque && walked.Length < header.Length && items.Length < ClientAddressResolver.MaxHops;
            return walk;
        }

        /// <summary>What the oracle found for one request.</summary>
        private sealed class Walk
        {
            /// <summary>The addresses the resolver may answer; the last one is the one the rules pick.</summary>
            public readonly List<IPAddress> Allowed = new List<IPAddress>();
            /// <summary>The walk reached an opaque client's part: any answer from there is possible.</summary>
            public bool Open;
            /// <summary>Non-empty hops looked at, one more than MaxHops when the chain was too long.</summary>
            public int Examined;
            /// <summary>The answer came from left of the proxies' part, from what the client itself sent.</summary>
            public bool InClientPart;
            /// <summary>Auto mode met a present but empty X-Forwarded-For and read Forwarded.</summary>
            public bool ReadForwardedDespiteEmptyXff;
        }

        // ---- The generators --------------------------------------------------------------------------------------

        private static readonly string DefaultTrusted = MatomoSettings.DefaultTrustedProxies;
        private static readonly string CustomTrusted = "198.51.100.0/24, 2001:db8:1::/48, 127.0.0.1";
        /// <summary>Every IPv6 proxy and the IPv4 ones of 198.51.100.0/24, written in the mapped block (the family rule).</summary>
        private static readonly string FamilyTrusted = "::/0, ::ffff:198.51.100.0/120";
        private static readonly string Internal = "10.1.0.0/16, 192.0.2.0/24, 2001:db8:2::/48, 127.0.0.1, 198.51.100.9";

        public enum ProxyList { Default, Custom, Families }

        private static string TrustedList(ProxyList list) => list == ProxyList.Default ? DefaultTrusted : list == ProxyList.Custom ? CustomTrusted : FamilyTrusted;

        public sealed class Request
        {
            public ProxyList Proxies;
            public ForwardedHeaderKind Kind;
            public string Remote;
            public string XForwardedFor;
            public string Forwarded;
            /// <summary>The oracle's answer must be the resolver's (every part of the headers follows the syntax rules).</summary>
            public bool Exact;
            /// <summary>The client's part is any string (XffProxies, ForwardedProxies: the proxies' well-formed part right of it).</summary>
            public bool Opaque;
            public string XffProxies, ForwardedProxies;
            /// <summary>How many non-empty hops of the chosen header the proxies appended (right of the client's part).</summary>
            public int ProxyHops = int.MaxValue;

            public override string ToString() =>
                $"proxies {Proxies}, {Kind}, remote {Nasty.Show(Remote)}, XFF {Nasty.Show(XForwardedFor)}, Forwarded {Nasty.Show(Forwarded)}";
        }

        private static readonly string[] Addresses =
        {
            // trusted by default, some internal too
            "127.0.0.1", "127.8.9.10", "10.0.0.2", "10.1.2.3", "172.16.5.4", "192.168.1.1", "169.254.0.9", "::1", "fc00::5", "fd12:3456::1", "fe80::1",
            // trusted by the custom list
            "198.51.100.1", "198.51.100.9", "2001:db8:1::7",
            // internal but not trusted
            "192.0.2.1", "192.0.2.200", "2001:db8:2::1", "2001:db8:2:ffff::",
            // public
            "203.0.113.7", "8.8.8.8", "1.1.1.1", "255.255.255.255", "0.0.0.0", "2001:db8:3::1", "2606:4700::1111", "::ffff:203.0.113.9",
            "::ffff:192.0.2.5", "::ffff:10.1.0.1", "::", "::ffff:0:0", "::ffff:198.51.100.1",
        };

        /// <summary>Addresses each proxy list trusts, to build chains of trusted proxies as long as the cap and longer.</summary>
        private static string[] TrustedAddresses(ProxyList list)
        {
            switch (list)
            {
                case ProxyList.Default: return new[] { "127.0.0.1", "127.8.9.10", "10.0.0.2", "10.1.2.3", "172.16.5.4", "192.168.1.1", "169.254.0.9", "::1", "fc00::5", "fe80::1" };
                case ProxyList.Custom: return new[] { "198.51.100.1", "198.51.100.9", "2001:db8:1::7", "127.0.0.1", "::ffff:198.51.100.7" };
                default: return new[] { "198.51.100.1", "::ffff:198.51.100.9", "2001:db8:3::1", "::1", "fe80::1", "2001:db8:2::1" };
            }
        }

        private static readonly string[] Garbage =
        {
            "unknown", "_hidden", "_secret-proxy", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "[::1", "::1]", "[1.2.3.4]",
            "1.2.3.4:", "1.2.3.4:99999999", "1.2.3.4:http", "[::1]x", "[::1]:", "::1::2", ":::", "fe80::1%", "%eth0", "1.2.3.4%eth0",
            "for=1.2.3.4", "0x7f.1", "2130706433", "1.2.3.4/8", "localhost", "[fe80::1%25eth0]:80", "::ffff:1.2.3", "g::1", "1.2.3.4 5.6.7.8",
            "\"1.2.3.4\"", "[]", "[]:80", "\u00A01.2.3.4", "\uFF11.2.3.4", "١.٢.٣.٤", "::ffff:10.1.0.01", "[10.1.2.3]:80", "10.1.2.3:0",
            "10.1.2.3:65536", "[::1]:0", "192.0.2.1:080",
        };

        private static Gen<string> HopForm(string address)
        {
            bool v6 = address.Contains(":");
            var forms = new List<string> { address };
            if (v6)
            {
                forms.Add("[" + address + "]");
                forms.Add("[" + address + "]:8443");
                forms.Add(address + "%eth0");
                forms.Add("[" + address + "%7]:1");
            }
            else
            {
                forms.Add(address + ":80");
                forms.Add(address + ":65535");
            }
            return Gen.Elements(forms.ToArray()).SelectMany(f => Gen.Elements(f, " " + f, f + " ", "\t" + f + "  "));
        }

        private static readonly Gen<string> CleanHop = Gen.Elements(Addresses).SelectMany(HopForm);
        private static Gen<string> TrustedHop(ProxyList list) => Gen.Elements(TrustedAddresses(list)).SelectMany(HopForm);
        /// <summary>Proxies' hops that are trusted often enough for the walk to reach the client's part.</summary>
        private static Gen<string> MostlyTrustedHop(ProxyList list) => Gen.Frequency((3, TrustedHop(list)), (1, CleanHop));
        /// <summary>What a client may put in its own part that still follows the header syntax: addresses (most of
        /// the time), well-delimited garbage, empty items.</summary>
        private static readonly Gen<string> PlainClientHop = Gen.Frequency((6, CleanHop), (2, Gen.Elements(Garbage)), (1, Gen.Elements("", " ", "\t")));
        private static readonly Gen<string> OpaqueHop = Gen.Frequency((6, CleanHop), (2, Gen.Elements(Garbage)), (1, Gen.Elements("", " ", "\t")), (1, Nasty.String));

        private static Gen<string> ForwardedElement(Gen<string> hop, bool quoted) =>
            from h in hop
            from quote in Gen.Elements(false, quoted)
            from prefix in Gen.Elements("", "proto=https;", "by=10.0.0.1;", "host=example.com; ", "by=\"a, for=203.0.113.66\";")
            // Quoted-strings with commas (and an escaped quote) in them: they must not split the element.
            from suffix in Gen.Elements("", ";proto=http", ";by=\"[2001:db8::1]\"", "; host=a.example", ";by=\"a,b\"", ";ext=\"x, for=10.1.2.3\"", ";ext=\"q\\\", for=8.8.8.8\"")
            from forKey in Gen.Elements("for=", "For=", "FOR=")
            select prefix + forKey + (quote || h.Contains("[") && quoted ? "\"" + h.Trim() + "\"" : h.Trim()) + suffix;

        private static Gen<string[]> Hops(Gen<string> hop, int max) => hop.Up(max);

        private static Gen<string> Joined(string[] hops) =>
            Gen.Elements(",", ", ", " ,", ",,", " , ").Select(separator => hops.Length == 0 ? null : string.Join(separator, hops));

        private static Gen<string> Chain(Gen<string> hop, int max) => Hops(hop, max).SelectMany(Joined);

        private static int NonEmpty(string[] hops) => hops.Count(h => h.Trim(' ', '\t', '\r', '\n').Length > 0);

        /// <summary>A present but empty X-Forwarded-For now and then: auto mode must then read Forwarded.</summary>
        private static Gen<string> MaybeEmpty(Gen<string> header) => Gen.Frequency((6, header), (1, Gen.Constant("")));

        /// <summary>For the coverage counts only: which header the rule reads.</summary>
        private static bool ReadsXff(ForwardedHeaderKind kind, string xff) =>
            kind == ForwardedHeaderKind.XForwardedFor || kind == ForwardedHeaderKind.Auto && !string.IsNullOrEmpty(xff);

        private static readonly Gen<ProxyList> AnyProxyList = Gen.Elements(ProxyList.Default, ProxyList.Custom, ProxyList.Families);
        private static readonly Gen<ForwardedHeaderKind> AnyKind = Gen.Elements(ForwardedHeaderKind.Auto, ForwardedHeaderKind.XForwardedFor, ForwardedHeaderKind.Forwarded);

        private static readonly Gen<Request> CleanRequest =
            from proxies in AnyProxyList
            from kind in AnyKind
            from remote in CleanHop
            from xff in MaybeEmpty(Chain(CleanHop, 40))
            from fwd in Chain(ForwardedElement(CleanHop, true), 40)
            select new Request { Proxies = proxies, Kind = kind, Remote = remote, XForwardedFor = xff, Forwarded = fwd, Exact = true };

        private static string Join(string left, string right) => left == null ? right : right == null ? left : left + "," + right;

        /// <summary>
        /// What a client can send (addresses, garbage, or anything at all) followed by what trusted and untrusted
        /// proxies append (well-formed). When the client's part follows the header syntax, the oracle decides it too.
        /// </summary>
        private static readonly Gen<Request> DirtyRequest =
            from proxies in AnyProxyList
            from kind in AnyKind
            from remote in Gen.Frequency((3, TrustedHop(proxies)), (3, CleanHop), (1, OpaqueHop))
            from opaque in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
            from xffClient in opaque ? Gen.Frequency((5, Chain(OpaqueHop, 12)), (1, Nasty.String)) : Chain(PlainClientHop, 12)
            from xffProxyHops in Hops(MostlyTrustedHop(proxies), 6)
            from xffProxies in Joined(xffProxyHops)
            from fwdClient in opaque ? Gen.Frequency((5, Chain(ForwardedElement(OpaqueHop, true), 12)), (1, Nasty.String)) : Chain(ForwardedElement(PlainClientHop, true), 12)
            from fwdProxyHops in Hops(ForwardedElement(MostlyTrustedHop(proxies), true), 6)
            from fwdProxies in Joined(fwdProxyHops)
            from emptyXff in Gen.Frequency((8, Gen.Constant(false)), (1, Gen.Constant(true)))
            select new Request
            {
                Proxies = proxies, Kind = kind, Remote = remote, Opaque = opaque, Exact = !opaque,
                XForwardedFor = emptyXff ? "" : Join(xffClient, xffProxies), XffProxies = emptyXff ? "" : xffProxies,
                Forwarded = Join(fwdClient, fwdProxies), ForwardedProxies = fwdProxies,
                ProxyHops = ReadsXff(kind, emptyXff ? "" : Join(xffClient, xffProxies)) ? NonEmpty(xffProxyHops) : NonEmpty(fwdProxyHops),
            };

        /// <summary>
        /// Chains of trusted proxies from a little under the cap to a little over it, behind a trusted peer, with the
        /// client (an address or garbage) and perhaps more of what it sent at the far left.
        /// </summary>
        private static readonly Gen<Request> LongChainRequest =
            from proxies in AnyProxyList
            from kind in AnyKind
            from remote in TrustedHop(proxies)
            from client in Gen.Frequency((4, CleanHop), (1, Gen.Elements(Garbage)))
            from before in PlainClientHop.Up(2)
            from count in Gen.Choose(ClientAddressResolver.MaxHops - 3, ClientAddressResolver.MaxHops + 2)
            from chain in TrustedHop(proxies).ArrayOf(count)
            from xff in Joined(before.Concat(new[] { client }).Concat(chain).ToArray())
            from fwd in Joined(before.Concat(new[] { client }).Concat(chain).Select(h => "for=\"" + h.Trim() + "\"").ToArray())
            from emptyXff in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
            select new Request { Proxies = proxies, Kind = kind, Remote = remote, XForwardedFor = emptyXff ? "" : xff, Forwarded = fwd, Exact = true, ProxyHops = count };

        private static readonly Dictionary<(ProxyList, ForwardedHeaderKind), MatomoSettings> SettingsCache = new Dictionary<(ProxyList, ForwardedHeaderKind), MatomoSettings>();

        private static MatomoSettings SettingsFor(Request r)
        {
            lock (SettingsCache)
            {
                if (!SettingsCache.TryGetValue((r.Proxies, r.Kind), out MatomoSettings s))
                {
                    var pairs = new List<(string, string)> { (MatomoSettings.Keys.InternalIps, Internal), (MatomoSettings.Keys.ForwardedHeader, r.Kind == ForwardedHeaderKind.Auto ? "auto" : r.Kind == ForwardedHeaderKind.Forwarded ? "Forwarded" : "X-Forwarded-For") };
                    if (r.Proxies != ProxyList.Default) pairs.Add((MatomoSettings.Keys.TrustedProxies, TrustedList(r.Proxies)));
                    SettingsCache[(r.Proxies, r.Kind)] = s = TestSettings.Basic(pairs.ToArray());
                }
                return s;
            }
        }

        private static List<Cidr> Ranges(string list) => list.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries).Select(Cidr.Of).ToList();
        private static readonly List<Cidr> InternalRanges = Ranges(Internal);

        /// <summary>Resolves <paramref name="r"/> and checks the verdict against the oracle; returns what the oracle found.</summary>
        private static Walk Verify(Request r, out MatomoClientInfo info)
        {
            try
            {
                info = SettingsFor(r).ResolveClient(r.Remote, r.XForwardedFor, r.Forwarded);
            }
            catch (Exception e)
            {
                Assert.Fail($"{e.GetType().Name}: {e.Message}\n{r}");
                throw;
            }
            Walk walk = Justified(r, Ranges(TrustedList(r.Proxies)));
            IPAddress address = info.Address;
            if (address != null && !walk.Open)
                Assert.That(walk.Allowed.Any(a => Same(a, address)), $"client {address} is not justified by the chain (allowed: {string.Join(", ", walk.Allowed)})\n{r}");
            if (info.IsInternal)
                Assert.That(address != null && InAny(InternalRanges, address), $"internal verdict for {address?.ToString() ?? "an unknown client"}\n{r}");
            else if (address != null)
                Assert.That(InAny(InternalRanges, address), Is.False, $"{address} is internal but the verdict says not\n{r}");
            if (r.Exact || r.Opaque && !walk.Open)
            {
                IPAddress expected = walk.Allowed.LastOrDefault();
                Assert.That(address == null ? expected == null : expected != null && Same(address, expected),
                    $"expected {expected?.ToString() ?? "unknown"}, got {address?.ToString() ?? "unknown"}\n{r}");
            }
            return walk;
        }

        private static MatomoClientInfo Verify(Request r)
        {
            Verify(r, out MatomoClientInfo info);
            return info;
        }

        /// <summary>
        /// Regression (found by <see cref="Garbage_in_the_chain_never_throws_and_never_yields_an_unjustified_client"/>):
        /// TryParseForwardedElement read s[semi - 1] at index 0, so a Forwarded header opening with a double quote threw
        /// IndexOutOfRangeException on every request from a trusted peer. Fixed in 50d4c22.
        /// </summary>
        [Test]
        public void A_Forwarded_header_opening_with_a_quote_does_not_throw()
        {
            MatomoSettings settings = TestSettings.Basic();
            foreach (string header in new[] { "\"", "\"for=1.2.3.4\"", "\"\"", "\"a\";for=203.0.113.7" })
                Assert.DoesNotThrow(() => settings.ResolveClient("127.0.0.1", null, header), Nasty.Show(header));
        }

        // ---- The properties --------------------------------------------------------------------------------------

        /// <summary>Runs <paramref name="cases"/> requests through <see cref="Verify(Request, out MatomoClientInfo)"/> and counts what they covered.</summary>
        private static Dictionary<string, int> CheckAll(Gen<Request> requests, int cases)
        {
            var seen = new Dictionary<string, int> { ["cap reached"] = 0, ["cap exceeded"] = 0, ["client's part"] = 0, ["empty X-Forwarded-For"] = 0, ["exact"] = 0 };
            Nasty.Check(requests, cases, r =>
            {
                Walk walk = Verify(r, out _);
                if (walk.Examined == ClientAddressResolver.MaxHops) seen["cap reached"]++;
                if (walk.Examined > ClientAddressResolver.MaxHops) seen["cap exceeded"]++;
                if (walk.InClientPart && walk.Allowed.Count > 0) seen["client's part"]++;
                if (walk.ReadForwardedDespiteEmptyXff && walk.Allowed.Count > 1) seen["empty X-Forwarded-For"]++;
                if (r.Exact || r.Opaque && !walk.Open) seen["exact"]++;
            });
            TestContext.Progress.WriteLine(string.Join(", ", seen.Select(p => $"{p.Key}: {p.Value}")));
            return seen;
        }

        [Test]
        public void Well_formed_chains_resolve_exactly_as_the_rules_say()
        {
            Dictionary<string, int> seen = CheckAll(CleanRequest, 3000);
            Assert.That(seen["exact"], Is.EqualTo(3000));
            Assert.That(seen["empty X-Forwarded-For"], Is.GreaterThan(30), "present but empty X-Forwarded-For, Forwarded read");
        }

        [Test]
        public void Garbage_in_the_chain_never_throws_and_never_yields_an_unjustified_client()
        {
            Dictionary<string, int> seen = CheckAll(DirtyRequest, 3000);
            Assert.That(seen["client's part"], Is.GreaterThan(150), "addresses the client sent, reached and judged");
            Assert.That(seen["exact"], Is.GreaterThan(1500));
            Assert.That(seen["empty X-Forwarded-For"], Is.GreaterThan(20));
        }

        [Test]
        public void Chains_around_the_cap_resolve_exactly_as_the_rules_say()
        {
            Dictionary<string, int> seen = CheckAll(LongChainRequest, 1500);
            Assert.That(seen["cap reached"], Is.GreaterThan(100), "chains whose last examined hop is the MaxHops-th");
            Assert.That(seen["cap exceeded"], Is.GreaterThan(200), "chains cut off at the cap");
            Assert.That(seen["client's part"], Is.GreaterThan(100), "the client found just within the cap");
        }

        // ---- Pathological headers --------------------------------------------------------------------------------

        private static Request Xff(string remote, string header) =>
            new Request { Proxies = ProxyList.Default, Kind = ForwardedHeaderKind.Auto, Remote = remote, XForwardedFor = header };

        private static string Trusted(int n) => string.Join(", ", Enumerable.Range(0, n).Select(i => $"10.0.{i / 250 % 250}.{i % 250 + 1}"));

        [Test]
        public void The_cap_is_exactly_MaxHops_examined_entries()
        {
            int max = ClientAddressResolver.MaxHops;
            // The internal client is the max-th entry from the right: examined, so found.
            MatomoClientInfo within = Verify(Xff("127.0.0.1", "192.0.2.1, " + Trusted(max - 1)));
            Assert.That(within.Address?.ToString(), Is.EqualTo("192.0.2.1"));
            Assert.That(within.IsInternal, Is.True);
            // One more trusted proxy puts the client beyond the cap: unknown, so never internal.
            MatomoClientInfo beyond = Verify(Xff("127.0.0.1", "192.0.2.1, " + Trusted(max)));
            Assert.That(beyond.Address, Is.Null);
            Assert.That(beyond.IsInternal, Is.False);
            // Empty items are not hops.
            MatomoClientInfo empties = Verify(Xff("127.0.0.1", "192.0.2.1, ,, " + Trusted(max - 1) + ", ,"));
            Assert.That(empties.Address?.ToString(), Is.EqualTo("192.0.2.1"));
        }

        [Test]
        public void Ten_thousand_hops_leave_the_client_unknown()
        {
            foreach (string client in new[] { "192.0.2.1", "203.0.113.7", "10.1.2.3" })
            {
                MatomoClientInfo info = Verify(Xff("127.0.0.1", client + ", " + Trusted(10000)));
                Assert.That(info.Address, Is.Null, client);
                Assert.That(info.IsInternal, Is.False, client);
            }
        }

        /// <summary>
        /// The work is bounded by the cap, shown without a clock: whatever stands left of the first MaxHops + 1 entries
        /// (a megabyte of garbage, ten thousand internal addresses) changes nothing, so it was never examined.
        /// </summary>
        [Test]
        public void Nothing_left_of_the_cap_is_examined()
        {
            var random = new Random(5);
            string[] lefts =
            {
                new string('x', 1 << 20), string.Join(",", Enumerable.Repeat("192.0.2.1", 100000)), new string('[', 1 << 20),
                Nasty.Show(new string('"', 1 << 19)), string.Concat(Enumerable.Range(0, 1 << 18).Select(_ => (char)random.Next(0x10000))),
            };
            int max = ClientAddressResolver.MaxHops;
            foreach (string tail in new[] { Trusted(max + 1), "203.0.113.7, " + Trusted(max - 1), Trusted(max - 1) + ", garbage, " + Trusted(1) })
            {
                MatomoClientInfo alone = Verify(Xff("127.0.0.1", tail));
                foreach (string left in lefts)
                {
                    MatomoClientInfo info = Verify(Xff("127.0.0.1", left + "," + tail));
                    Assert.That(info.ToString(), Is.EqualTo(alone.ToString()), $"left part of {left.Length} chars changed the verdict for {tail.Substring(0, 40)}...");
                }
            }
        }

        [Test]
        public void Megabyte_headers_never_throw()
        {
            const int mb = 1 << 20;
            var random = new Random(7);
            string[] headers =
            {
                new string(',', mb), new string(' ', mb), string.Concat(Enumerable.Repeat(", ", mb / 2)), new string('"', mb),
                "for=" + new string('"', mb), "for=\"" + new string('a', mb), new string(';', mb), new string('[', mb), new string(']', mb),
                new string(':', mb), new string('1', mb), new string('.', mb), "[" + new string(':', mb) + "]", new string('\\', mb),
                string.Concat(Enumerable.Repeat("for=10.0.0.1;", mb / 13)), string.Concat(Enumerable.Repeat("10.0.0.1,", mb / 9)),
                string.Concat(Enumerable.Repeat("\"a,b\\\",", mb / 7)), string.Concat(Enumerable.Range(0, mb).Select(_ => (char)random.Next(0x10000))),
                string.Concat(Enumerable.Range(0, mb).Select(_ => ",;\"[]:=\\ f.1"[random.Next(12)])),
            };
            foreach (string header in headers)
            foreach (ForwardedHeaderKind kind in new[] { ForwardedHeaderKind.Auto, ForwardedHeaderKind.Forwarded })
            {
                var request = new Request { Proxies = ProxyList.Default, Kind = kind, Remote = "127.0.0.1", XForwardedFor = kind == ForwardedHeaderKind.Auto ? header : null, Forwarded = header };
                Verify(request);
                // The header as the peer address too: never an exception, and not an address.
                Assert.That(SettingsFor(request).ResolveClient(header, header, header).Address, Is.Null);
            }
        }
    }
}
