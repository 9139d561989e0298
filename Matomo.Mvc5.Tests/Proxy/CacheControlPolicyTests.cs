using System;
using Matomo.Mvc5.Proxy;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary><c>Cache-Control</c> as directives: what is kept, merged, settled and written back (RFC 9111).</summary>
    public class CacheControlPolicyTests
    {
        [TestCase("no-cache, no-store", "no-cache, no-store")]
        [TestCase("no-store, no-cache", "no-cache, no-store")]
        [TestCase("private, max-age=60", "private, max-age=60")]
        [TestCase("public, max-age=86400", "public, max-age=86400")]
        [TestCase("no-store", "no-store")]
        [TestCase("max-age=0", "max-age=0")]
        [TestCase("Public, MAX-AGE=60", "public, max-age=60")]
        [TestCase("public, max-age=60, s-maxage=30, must-revalidate", "public, max-age=60, s-maxage=30, must-revalidate")]
        [TestCase("no-transform, immutable, stale-while-revalidate=60", "no-transform, immutable, stale-while-revalidate=60")]
        [TestCase("  no-cache ,, no-store  ,", "no-cache, no-store")]
        [TestCase("private=\"Set-Cookie\", max-age=60", "private, max-age=60")]
        [TestCase("no-cache=\"Set-Cookie, Set-Cookie2\", max-age=60", "no-cache, max-age=60")]
        [TestCase("community=\"UCI\"", "community=\"UCI\"")]
        public void Every_directive_is_kept_in_a_fixed_order(string value, string written) =>
            Assert.That(CacheControlPolicy.Parse(value).ToString(), Is.EqualTo(written));

        [TestCase("public, private", "private")]
        [TestCase("public, no-cache", "no-cache")]
        [TestCase("private, no-cache, public", "no-cache")]
        [TestCase("max-age=600, max-age=60", "max-age=60")]
        [TestCase("max-age=60, max-age=600", "max-age=60")]
        public void Conflicting_directives_settle_on_the_stricter(string value, string written) =>
            Assert.That(CacheControlPolicy.Parse(value).ToString(), Is.EqualTo(written));

        [Test]
        public void Several_headers_merge_into_one_policy()
        {
            CacheControlPolicy p = CacheControlPolicy.Parse(new[] { "public, max-age=600", null, "private, max-age=60", "no-store" });
            Assert.That(p.ToString(), Is.EqualTo("private, no-store, max-age=60"));
            Assert.That(p.Private && p.NoStore && !p.Public, Is.True);
            Assert.That(p.MaxAge, Is.EqualTo(TimeSpan.FromSeconds(60)));
        }

        [TestCase("max-age=-1", "max-age=0")]
        [TestCase("max-age=1.5", "max-age=0")]
        [TestCase("max-age=", "")]
        [TestCase("max-age", "max-age=0")]
        [TestCase("max-age=\"60\"", "max-age=60")]
        [TestCase("max-age=99999999999999999999999", "max-age=2147483647")]
        public void An_invalid_max_age_makes_the_answer_stale_never_fresher(string value, string written) =>
            Assert.That(CacheControlPolicy.Parse(value).ToString(), Is.EqualTo(written));

        [TestCase("no-cache, x\"y, no-store", "no-cache, no-store")]
        [TestCase("ext=a b, no-store", "no-store")]
        [TestCase("ext=\"a\\\"b\", no-store", "no-store")]
        [TestCase("a/b, no-store", "no-store")]
        [TestCase("=60, no-store", "no-store")]
        public void What_is_not_a_directive_is_dropped(string value, string written) =>
            Assert.That(CacheControlPolicy.Parse(value).ToString(), Is.EqualTo(written));

        [Test]
        public void A_value_without_a_valid_directive_is_empty()
        {
            Assert.That(CacheControlPolicy.Parse("").IsEmpty, Is.True);
            Assert.That(CacheControlPolicy.Parse(" , ,").IsEmpty, Is.True);
            Assert.That(CacheControlPolicy.Parse("a b").IsEmpty, Is.True);
            Assert.That(CacheControlPolicy.Parse("no-store").IsEmpty, Is.False);
        }

        [Test]
        public void The_written_form_reads_back_to_the_same_policy()
        {
            foreach (string value in new[] { "no-cache, no-store, must-revalidate", "private, max-age=60, s-maxage=0", "public, max-age=1, no-transform, immutable" })
            {
                string once = CacheControlPolicy.Parse(value).ToString();
                Assert.That(CacheControlPolicy.Parse(once).ToString(), Is.EqualTo(once), value);
            }
        }
    }
}
