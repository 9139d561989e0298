using System.Linq;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Addresses
{
    /// <summary><see cref="ClientAddressResolver"/>: the client behind trusted proxies, from X-Forwarded-For or Forwarded (Rails' RemoteIp rules).</summary>
    public class ClientAddressResolverTests
    {
        private static readonly IpRangeList Trusted = IpRangeList.Parse(DefaultTrustedProxies);

        /// <summary>The client the resolver finds, as text, or null; the default trusted proxies unless given.</summary>
        internal static string Resolve(string remote, string xff = null, string forwarded = null,
            ForwardedHeaderKind kind = ForwardedHeaderKind.Auto, IpRangeList trusted = null) =>
            ClientAddressResolver.Resolve(remote, xff, forwarded, trusted ?? Trusted, kind)?.ToString();

        [TestCase("203.0.113.9", null, "203.0.113.9", TestName = "Untrusted peer without headers")]
        [TestCase("203.0.113.9", "10.0.0.1", "203.0.113.9", TestName = "Untrusted peer forging X-Forwarded-For is not believed")]
        [TestCase("127.0.0.1", "203.0.113.9", "203.0.113.9", TestName = "Trusted proxy forwards the client")]
        [TestCase("127.0.0.1", "10.0.0.1, 203.0.113.9", "203.0.113.9", TestName = "Client-sent entries left of the real client are ignored")]
        [TestCase("127.0.0.1", "203.0.113.9, 10.0.0.2, 192.168.1.1", "203.0.113.9", TestName = "Chain of trusted proxies is skipped")]
        [TestCase("127.0.0.1", "10.1.2.3", "10.1.2.3", TestName = "All trusted: the leftmost is the client")]
        [TestCase("127.0.0.1", "198.51.100.1, 203.0.113.9", "203.0.113.9", TestName = "First untrusted from the right wins")]
        [TestCase("127.0.0.1", null, "127.0.0.1", TestName = "Trusted peer without headers is the client")]
        [TestCase("127.0.0.1", "", "127.0.0.1", TestName = "Empty header")]
        [TestCase("127.0.0.1", " , 203.0.113.9 ,, ", "203.0.113.9", TestName = "Empty items are skipped")]
        [TestCase("127.0.0.1", "203.0.113.9:4711", "203.0.113.9", TestName = "IPv4 port stripped")]
        [TestCase("127.0.0.1", "[2001:db8::17]:4711", "2001:db8::17", TestName = "Bracketed IPv6 with port")]
        [TestCase("127.0.0.1", "2001:db8::17", "2001:db8::17", TestName = "Bare IPv6")]
        [TestCase("127.0.0.1", "fe80::1%eth0, 2001:db8::17", "2001:db8::17", TestName = "IPv6 zone")]
        [TestCase("127.0.0.1", "::ffff:203.0.113.9", "203.0.113.9", TestName = "IPv4-mapped IPv6 is IPv4")]
        [TestCase("::ffff:127.0.0.1", "203.0.113.9", "203.0.113.9", TestName = "IPv4-mapped trusted peer")]
        [TestCase("[::1]:5000", "203.0.113.9", "203.0.113.9", TestName = "Peer with brackets and port")]
        [TestCase("127.0.0.1", "10.0.0.1, unknown", null, TestName = "unknown breaks the chain: the client is not known")]
        [TestCase("127.0.0.1", "10.0.0.1, _hidden", null, TestName = "Obfuscated identifier breaks the chain")]
        [TestCase("127.0.0.1", "10.0.0.1, <script>", null, TestName = "Garbage breaks the chain")]
        [TestCase("127.0.0.1", "203.0.113.9, 1.2.3.4:99999999", null, TestName = "Absurd port is garbage")]
        [TestCase("127.0.0.1", "1.2.3.4:", null, TestName = "Empty port is garbage")]
        [TestCase("127.0.0.1", "[2001:db8::1", null, TestName = "Unclosed bracket is garbage")]
        [TestCase("garbage", "203.0.113.9", null, TestName = "Unparsable peer")]
        [TestCase("", null, null, TestName = "Empty peer")]
        public void X_forwarded_for(string remote, string xff, string expected)
        {
            Assert.That(Resolve(remote, xff), Is.EqualTo(expected));
        }

        [TestCase("for=203.0.113.9", "203.0.113.9")]
        [TestCase("for=192.0.2.60;proto=http;by=203.0.113.43", "192.0.2.60")]
        [TestCase("For=\"[2001:db8:cafe::17]:4711\"", "2001:db8:cafe::17")]
        [TestCase("for=10.0.0.1, for=203.0.113.9;proto=https", "203.0.113.9")]
        [TestCase("for=203.0.113.9, for=10.0.0.2", "203.0.113.9")]
        [TestCase("for=\"10.0.0.1, for=8.8.8.8\", for=10.0.0.3", null)]
        [TestCase("for=unknown", null)]
        [TestCase("proto=https", null)]
        [TestCase("for=_hidden, for=10.0.0.2", null)]
        [TestCase("by=10.0.0.1; for=\"203.0.113.9:80\"", "203.0.113.9")]
        [TestCase("\"for=203.0.113.9", null)]
        [TestCase("\"", null)]
        public void Forwarded_rfc7239(string forwarded, string expected)
        {
            Assert.That(Resolve("127.0.0.1", null, forwarded), Is.EqualTo(expected));
        }

        // Commas inside RFC 7230 quoted-strings do not separate Forwarded elements: splitting there would read the
        // wrong element as the rightmost one (the client 2001:db8::1 would be lost; a client hidden in a quoted
        // parameter would be believed).
        [TestCase("for=203.0.113.7, for=\"[2001:db8::1]:80\";by=\"a,b\"", "2001:db8::1")]
        [TestCase("for=10.0.0.9, for=10.0.0.8;by=\"x, for=203.0.113.66;a=b\"", "10.0.0.9")]
        [TestCase("for=10.0.0.5;by=\"a, for=203.0.113.66\"", "10.0.0.5")]
        [TestCase("for=203.0.113.7;ext=\",,,\"", "203.0.113.7")]
        [TestCase("for=198.51.100.1, for=\"[2001:db8::2]\";ext=\"q\\\", for=203.0.113.66\"", "2001:db8::2")]
        public void Forwarded_commas_inside_quoted_strings_do_not_separate_elements(string forwarded, string expected)
        {
            Assert.That(Resolve("127.0.0.1", null, forwarded), Is.EqualTo(expected));
            Assert.That(Resolve("127.0.0.1", null, forwarded, ForwardedHeaderKind.Forwarded), Is.EqualTo(expected));
        }

        [Test]
        public void Quoted_commas_decide_the_internal_verdict()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8"));
            MatomoClientInfo info = settings.ResolveClient("127.0.0.1", null, "for=10.0.0.9, for=10.0.0.8;by=\"x, for=203.0.113.66;a=b\"");
            Assert.That(info.Address?.ToString(), Is.EqualTo("10.0.0.9"));
            Assert.That(info.IsInternal, Is.True);
        }

        // Auto mode reads X-Forwarded-For only when the request has a non-empty one: a present but empty header
        // forwards nothing, so the Forwarded header decides.
        [TestCase("")]
        public void Auto_mode_with_an_empty_X_Forwarded_For_reads_Forwarded(string emptyXff)
        {
            Assert.That(Resolve("127.0.0.1", emptyXff, "for=203.0.113.7"), Is.EqualTo("203.0.113.7"));
            Assert.That(Resolve("::1", emptyXff, "for=\"[2001:db8::7]:443\""), Is.EqualTo("2001:db8::7"));
            Assert.That(Resolve("127.0.0.1", emptyXff, null), Is.EqualTo("127.0.0.1"), "nothing forwarded at all: the trusted peer is the client");
            Assert.That(Resolve("127.0.0.1", emptyXff, "for=203.0.113.7", ForwardedHeaderKind.XForwardedFor), Is.EqualTo("127.0.0.1"), "X-Forwarded-For only");
            MatomoSettings settings = TestSettings.Basic((Keys.InternalIps, "192.0.2.0/24"));
            Assert.That(settings.ResolveClient("127.0.0.1", emptyXff, "for=192.0.2.9").IsInternal, Is.True);
        }

        [Test]
        public void Header_choice()
        {
            Assert.That(Resolve("127.0.0.1", "203.0.113.1", "for=203.0.113.2"), Is.EqualTo("203.0.113.1"), "auto prefers X-Forwarded-For");
            Assert.That(Resolve("127.0.0.1", null, "for=203.0.113.2"), Is.EqualTo("203.0.113.2"), "auto falls back to Forwarded");
            Assert.That(Resolve("127.0.0.1", "203.0.113.1", "for=203.0.113.2", ForwardedHeaderKind.Forwarded), Is.EqualTo("203.0.113.2"));
            Assert.That(Resolve("127.0.0.1", null, "for=203.0.113.2", ForwardedHeaderKind.XForwardedFor), Is.EqualTo("127.0.0.1"));
        }

        [Test]
        public void Custom_trusted_proxies()
        {
            IpRangeList onlyLb = IpRangeList.Parse("192.0.2.10");
            Assert.That(Resolve("192.0.2.10", "10.0.0.5", trusted: onlyLb), Is.EqualTo("10.0.0.5"));
            Assert.That(Resolve("127.0.0.1", "10.0.0.5", trusted: onlyLb), Is.EqualTo("127.0.0.1"), "loopback is no longer trusted");
            Assert.That(Resolve("192.0.2.10", "10.0.0.5", trusted: IpRangeList.Empty), Is.EqualTo("192.0.2.10"));
        }

        [Test]
        public void Hop_cap_bounds_the_walk_and_yields_unknown()
        {
            string atCap = string.Join(",", Enumerable.Repeat("10.0.0.1", ClientAddressResolver.MaxHops));
            Assert.That(Resolve("127.0.0.1", atCap), Is.EqualTo("10.0.0.1"));
            string overCap = "8.8.8.8," + string.Join(",", Enumerable.Repeat("10.0.0.1", ClientAddressResolver.MaxHops));
            Assert.That(Resolve("127.0.0.1", overCap), Is.Null);
            string huge = new string('x', 1 << 20) + ", 203.0.113.9";
            Assert.That(Resolve("127.0.0.1", huge), Is.EqualTo("203.0.113.9"));
        }
    }
}
