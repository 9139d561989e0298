using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
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

        /// <summary>A CIDR range as bytes and a prefix; IPv4 ranges are matched by IPv4 and IPv4-mapped IPv6 addresses.</summary>
        private sealed class Cidr
        {
            public byte[] Network;
            public int Prefix;

            public static Cidr Of(string text)
            {
                string[] parts = text.Split('/');
                IPAddress a = IPAddress.Parse(parts[0]);
                return new Cidr { Network = a.GetAddressBytes(), Prefix = parts.Length > 1 ? int.Parse(parts[1]) : a.GetAddressBytes().Length * 8 };
            }

            public bool Contains(IPAddress address)
            {
                byte[] b = address.GetAddressBytes();
                if (b.Length == 16 && b.Take(10).All(x => x == 0) && b[10] == 0xFF && b[11] == 0xFF) b = b.Skip(12).ToArray(); // ::ffff:a.b.c.d
                if (b.Length != Network.Length) return false;
                for (int bit = 0; bit < Prefix; bit++)
                {
                    int mask = 0x80 >> (bit % 8);
                    if ((b[bit / 8] & mask) != (Network[bit / 8] & mask)) return false;
                }
                return true;
            }
        }

        private static bool InAny(IEnumerable<Cidr> ranges, IPAddress a) => ranges.Any(r => r.Contains(a));

        private static readonly Regex DottedQuad = new Regex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$");

        /// <summary>
        /// One hop as RFC 7239 and X-Forwarded-For write it: a.b.c.d, a.b.c.d:port, v6, v6%zone, [v6], [v6]:port, where
        /// brackets hold IPv6 text only (RFC 3986), a port is 1 to 65535, and a dotted quad (alone or as the tail of
        /// an IPv6 address) has no leading zeros.
        /// </summary>
        private static IPAddress OracleHop(string text)
        {
            string s = text.Trim(' ', '\t', '\r', '\n');
            string host = s, port = null;
            Match bracketed = Regex.Match(s, @"^\[([^\]]*:[^\]]*)\](?::([0-9]+))?$");
            if (bracketed.Success) { host = bracketed.Groups[1].Value; port = bracketed.Groups[2].Success ? bracketed.Groups[2].Value : null; }
            else if (s.StartsWith("[")) return null;
            else
            {
                Match v4Port = Regex.Match(s, @"^([0-9.]+):([0-9]+)$");
                if (v4Port.Success) { host = v4Port.Groups[1].Value; port = v4Port.Groups[2].Value; }
            }
            if (port != null && !(port.Length <= 5 && int.Parse(port) >= 1 && int.Parse(port) <= 65535)) return null;
            if (host.Contains(":"))
            {
                int zone = host.IndexOf('%');
                if (zone >= 0) host = host.Substring(0, zone);
                string tail = host.Substring(host.LastIndexOf(':') + 1);
                if (tail.Contains(".") && !DottedQuad.IsMatch(tail)) return null;
                return Regex.IsMatch(host, "^[0-9A-Fa-f:.]+$") && IPAddress.TryParse(host, out IPAddress v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
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
        /// the one the rules pick. For a dirty request only the proxies' own part (right of the client's garbage) is
        /// walked: when every hop there is trusted, the answer lies in the client's part, which no rule pins down
        /// (<paramref name="open"/>); otherwise the answer is exactly the first untrusted hop of the proxies' part.
        /// </summary>
        private static List<IPAddress> Justified(Request r, List<Cidr> trusted, out bool open)
        {
            var allowed = new List<IPAddress>();
            open = false;
            IPAddress peer = OracleHop(r.Remote);
            if (peer == null) return allowed;
            allowed.Add(peer);
            if (!InAny(trusted, peer)) return allowed;
            // The rule: X-Forwarded-For or Forwarded as configured; auto reads X-Forwarded-For when the request has a
            // non-empty one, and Forwarded otherwise.
            bool useXff;
            switch (r.Kind)
            {
                case ForwardedHeaderKind.XForwardedFor: useXff = true; break;
                case ForwardedHeaderKind.Forwarded: useXff = false; break;
                default: useXff = r.XForwardedFor != null && r.XForwardedFor.Length > 0; break;
            }
            string header = useXff ? r.XForwardedFor : r.Forwarded;
            if (string.IsNullOrEmpty(header)) return allowed;
            string walked = r.Dirty ? (useXff ? r.XffProxies : r.ForwardedProxies) ?? "" : header;
            string[] items = (useXff ? walked.Split(',').ToList() : SplitOutsideQuotes(walked, ',')).Select(i => i.Trim(' ', '\t', '\r', '\n')).Where(i => i.Length > 0).Reverse().ToArray();
            for (int k = 0; k < items.Length; k++)
            {
                if (k >= ClientAddressResolver.MaxHops) { allowed.Clear(); return allowed; } // too long a chain: unknown
                IPAddress hop = OracleHop(useXff ? items[k] : OracleForwardedFor(items[k]) ?? "");
                if (hop == null) { allowed.Clear(); return allowed; } // a broken chain: unknown
                allowed.Add(hop);
                if (!InAny(trusted, hop)) return allowed;
            }
            open = r.Dirty && walked.Length < header.Length && items.Length < ClientAddressResolver.MaxHops;
            return allowed;
        }

        // ---- The generators --------------------------------------------------------------------------------------

        private static readonly string DefaultTrusted = MatomoSettings.DefaultTrustedProxies;
        private static readonly string CustomTrusted = "198.51.100.0/24, 2001:db8:1::/48, 127.0.0.1";
        private static readonly string Internal = "10.1.0.0/16, 192.0.2.0/24, 2001:db8:2::/48, 127.0.0.1, 198.51.100.9";

        public sealed class Request
        {
            public bool DefaultProxies;
            public ForwardedHeaderKind Kind;
            public string Remote;
            public string XForwardedFor;
            public string Forwarded;
            public bool Clean; // every hop a well-formed address, no garbage
            public bool Dirty; // the client's garbage, then the proxies' well-formed part (XffProxies, ForwardedProxies)
            public string XffProxies, ForwardedProxies;

            public override string ToString() =>
                $"proxies {(DefaultProxies ? "default" : "custom")}, {Kind}, remote {Nasty.Show(Remote)}, XFF {Nasty.Show(XForwardedFor)}, Forwarded {Nasty.Show(Forwarded)}";
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
            "::ffff:192.0.2.5", "::ffff:10.1.0.1", "::", "::ffff:0:0",
        };

        private static readonly string[] Garbage =
        {
            "unknown", "_hidden", "_secret-proxy", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "[::1", "::1]", "[1.2.3.4]",
            "1.2.3.4:", "1.2.3.4:99999999", "1.2.3.4:http", "[::1]x", "[::1]:", "::1::2", ":::", "fe80::1%", "%eth0", "1.2.3.4%eth0",
            "for=1.2.3.4", "0x7f.1", "2130706433", "1.2.3.4/8", "localhost", "[fe80::1%25eth0]:80", "::ffff:1.2.3", "g::1", "1.2.3.4 5.6.7.8",
            "\"1.2.3.4\"", "[]", "[]:80", "\u00A01.2.3.4", "\uFF11.2.3.4", "١.٢.٣.٤",
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
        private static readonly Gen<string> DirtyHop = Gen.Frequency((6, CleanHop), (2, Gen.Elements(Garbage)), (1, Gen.Elements("", " ", "\t")), (1, Nasty.String));

        private static Gen<string> ForwardedElement(Gen<string> hop, bool quoted) =>
            from h in hop
            from quote in Gen.Elements(false, quoted)
            from prefix in Gen.Elements("", "proto=https;", "by=10.0.0.1;", "host=example.com; ")
            from suffix in Gen.Elements("", ";proto=http", ";by=\"[2001:db8::1]\"", "; host=a.example")
            from forKey in Gen.Elements("for=", "For=", "FOR=")
            select prefix + forKey + (quote || h.Contains("[") && quoted ? "\"" + h.Trim() + "\"" : h.Trim()) + suffix;

        private static Gen<string> Chain(Gen<string> hop, int max) =>
            from hops in hop.Up(max)
            from separator in Gen.Elements(",", ", ", " ,", ",,", " , ")
            select hops.Length == 0 ? null : string.Join(separator, hops);

        private static readonly Gen<Request> CleanRequest =
            from defaults in Gen.Elements(true, false)
            from kind in Gen.Elements(ForwardedHeaderKind.Auto, ForwardedHeaderKind.XForwardedFor, ForwardedHeaderKind.Forwarded)
            from remote in CleanHop
            from xff in Chain(CleanHop, 40)
            from fwd in Chain(ForwardedElement(CleanHop, true), 40)
            select new Request { DefaultProxies = defaults, Kind = kind, Remote = remote, XForwardedFor = xff, Forwarded = fwd, Clean = true };

        private static string Join(string left, string right) => left == null ? right : right == null ? left : left + "," + right;

        /// <summary>What a client can send (anything) followed by what trusted and untrusted proxies append (well-formed).</summary>
        private static readonly Gen<Request> DirtyRequest =
            from defaults in Gen.Elements(true, false)
            from kind in Gen.Elements(ForwardedHeaderKind.Auto, ForwardedHeaderKind.XForwardedFor, ForwardedHeaderKind.Forwarded)
            from remote in Gen.Frequency((5, CleanHop), (1, DirtyHop))
            from xffClient in Gen.Frequency((5, Chain(DirtyHop, 12)), (1, Nasty.String))
            from xffProxies in Chain(CleanHop, 6)
            from fwdClient in Gen.Frequency((5, Chain(ForwardedElement(DirtyHop, true), 12)), (1, Nasty.String))
            from fwdProxies in Chain(ForwardedElement(CleanHop, true), 6)
            select new Request
            {
                DefaultProxies = defaults, Kind = kind, Remote = remote, Dirty = true,
                XForwardedFor = Join(xffClient, xffProxies), XffProxies = xffProxies,
                Forwarded = Join(fwdClient, fwdProxies), ForwardedProxies = fwdProxies,
            };

        private static readonly Dictionary<(bool, ForwardedHeaderKind), MatomoSettings> SettingsCache = new Dictionary<(bool, ForwardedHeaderKind), MatomoSettings>();

        private static MatomoSettings SettingsFor(Request r)
        {
            lock (SettingsCache)
            {
                if (!SettingsCache.TryGetValue((r.DefaultProxies, r.Kind), out MatomoSettings s))
                {
                    var pairs = new List<(string, string)> { (MatomoSettings.Keys.InternalIps, Internal), (MatomoSettings.Keys.ForwardedHeader, r.Kind == ForwardedHeaderKind.Auto ? "auto" : r.Kind == ForwardedHeaderKind.Forwarded ? "Forwarded" : "X-Forwarded-For") };
                    if (!r.DefaultProxies) pairs.Add((MatomoSettings.Keys.TrustedProxies, CustomTrusted));
                    SettingsCache[(r.DefaultProxies, r.Kind)] = s = TestSettings.Basic(pairs.ToArray());
                }
                return s;
            }
        }

        private static List<Cidr> Ranges(string list) => list.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries).Select(Cidr.Of).ToList();
        private static readonly List<Cidr> InternalRanges = Ranges(Internal);

        /// <summary>Resolves <paramref name="r"/> and checks the verdict against the oracle; returns the verdict.</summary>
        private static MatomoClientInfo Verify(Request r)
        {
            MatomoClientInfo info;
            try
            {
                info = MatomoClientInfo.Resolve(SettingsFor(r), r.Remote, r.XForwardedFor, r.Forwarded);
            }
            catch (Exception e)
            {
                Assert.Fail($"{e.GetType().Name}: {e.Message}\n{r}");
                throw;
            }
            List<IPAddress> allowed = Justified(r, Ranges(r.DefaultProxies ? DefaultTrusted : CustomTrusted), out bool open);
            IPAddress address = info.Address;
            if (address != null && !open)
                Assert.That(allowed.Any(a => Same(a, address)), $"client {address} is not justified by the chain (allowed: {string.Join(", ", allowed)})\n{r}");
            if (info.IsInternal)
                Assert.That(address != null && InAny(InternalRanges, address), $"internal verdict for {address?.ToString() ?? "an unknown client"}\n{r}");
            else if (address != null)
                Assert.That(InAny(InternalRanges, address), Is.False, $"{address} is internal but the verdict says not\n{r}");
            if ((r.Clean || r.Dirty) && !open)
            {
                IPAddress expected = allowed.LastOrDefault();
                Assert.That(address == null ? expected == null : expected != null && Same(address, expected),
                    $"expected {expected?.ToString() ?? "unknown"}, got {address?.ToString() ?? "unknown"}\n{r}");
            }
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
                Assert.DoesNotThrow(() => MatomoClientInfo.Resolve(settings, "127.0.0.1", null, header), Nasty.Show(header));
        }

        // ---- The properties --------------------------------------------------------------------------------------

        [Test]
        public void Well_formed_chains_resolve_exactly_as_the_rules_say()
        {
            Nasty.Check(CleanRequest, 3000, r => Verify(r));
        }

        [Test]
        public void Garbage_in_the_chain_never_throws_and_never_yields_an_unjustified_client()
        {
            Nasty.Check(DirtyRequest, 3000, r => Verify(r));
        }

        // ---- Pathological headers --------------------------------------------------------------------------------

        private static Request Xff(string remote, string header) =>
            new Request { DefaultProxies = true, Kind = ForwardedHeaderKind.Auto, Remote = remote, XForwardedFor = header, Clean = false };

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
                var request = new Request { DefaultProxies = true, Kind = kind, Remote = "127.0.0.1", XForwardedFor = kind == ForwardedHeaderKind.Auto ? header : null, Forwarded = header };
                Verify(request);
                // The header as the peer address too: never an exception, and not an address.
                Assert.That(MatomoClientInfo.Resolve(SettingsFor(request), header, header, header).Address, Is.Null);
            }
        }
    }
}
