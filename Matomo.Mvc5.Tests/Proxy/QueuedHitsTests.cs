using System.Collections.Specialized;
using Matomo.Mvc5.Proxy;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>
    /// A browser's tracking request as the outbox's hits: merged as Matomo reads it, without any authentication-only
    /// parameter (whatever its spelling: <see cref="AuthOnlyParameterTests"/> proves that against PHP), with the
    /// headers Matomo would have read.
    /// </summary>
    public class QueuedHitsTests
    {
        private static readonly NameValueCollection NoHeaders = new NameValueCollection();

        [Test]
        public void Query_and_form_body_are_merged_as_get_plus_post_the_query_winning()
        {
            Assert.That(QueuedHits.From("idsite=1&a=query", "a=body&rec=1&b=2", NoHeaders), Is.EqualTo(new[] { "idsite=1&a=query&rec=1&b=2" }));
        }

        [Test]
        public void A_name_the_query_has_as_an_array_keeps_only_the_querys_values()
        {
            // $_GET + $_POST is a union of top-level keys: the body's a[y] never reaches Matomo.
            Assert.That(QueuedHits.From("idsite=1&a[x]=1", "a[y]=2&a.b=3", NoHeaders), Is.EqualTo(new[] { "idsite=1&a%5Bx%5D=1&a.b=3" }));
        }

        [TestCase("idsite=1&token_auth=theirs&rec=1", "idsite=1&rec=1")]
        [TestCase("idsite=1&+cip=203.0.113.9&cdt%00x=1&country[]=fr&rec=1", "idsite=1&rec=1")]
        [TestCase("idsite=1&x=1;lat=48&rec=1;a=b", "idsite=1&rec=1;a=b")]
        [TestCase("idsite=1&token.auth=x&c%69ty=Paris&long=2&region=75&cdo=1", "idsite=1")]
        public void Authentication_only_parameters_are_removed_under_any_spelling(string query, string hit) =>
            Assert.That(QueuedHits.From(query, null, NoHeaders), Is.EqualTo(new[] { hit }));

        [Test]
        public void The_body_is_cleaned_too()
        {
            Assert.That(QueuedHits.From("idsite=1", "rec=1&cip=203.0.113.9&x=1;cdt=0", NoHeaders), Is.EqualTo(new[] { "idsite=1&rec=1" }));
        }

        [Test]
        public void Headers_become_ua_and_lang_unless_the_hit_has_them()
        {
            var headers = new NameValueCollection { { "User-Agent", "Mozilla/5.0 (X11) Test" }, { "Accept-Language", "fr-CH, fr;q=0.9" } };
            Assert.That(QueuedHits.From("idsite=1&rec=1", null, headers),
                Is.EqualTo(new[] { "idsite=1&rec=1&ua=Mozilla%2F5.0%20%28X11%29%20Test&lang=fr-CH%2C%20fr%3Bq%3D0.9" }));
            Assert.That(QueuedHits.From("idsite=1&rec=1&ua=theirs&lang=de", null, headers), Is.EqualTo(new[] { "idsite=1&rec=1&ua=theirs&lang=de" }));
            var unsafeHeaders = new NameValueCollection { { "User-Agent", "a\u00e9b" } };
            Assert.That(QueuedHits.From("idsite=1", null, unsafeHeaders), Is.EqualTo(new[] { "idsite=1" }), "a value no header may carry is dropped");
        }

        [Test]
        public void Each_bulk_entry_is_a_hit_of_its_own_without_the_urls_query()
        {
            string body = "{\"requests\":[\"?idsite=1&rec=1&cip=1.2.3.4\",\"idsite=2\",\"https://m.example/matomo.php?idsite=3&rec=1#frag\","
                          + "{\"idsite\":4,\"rec\":\"1\",\"token_auth\":\"x\",\"ping\":true,\"bots\":false,\"x\":null,\"cvar\":{\"1\":[\"a b\",\"c\"]},\"country\":\"fr\"}],"
                          + "\"token_auth\":\"theirs\"}";
            Assert.That(QueuedHits.From("idsite=9&e_c=url", body, NoHeaders), Is.EqualTo(new[]
            {
                "idsite=1&rec=1",
                "idsite=3&rec=1",
                "idsite=4&rec=1&ping=1&bots=&cvar%5B1%5D%5B0%5D=a%20b&cvar%5B1%5D%5B1%5D=c",
            }), "an entry without a query is skipped, as Matomo skips it");
        }

        [TestCase("{\"requests\":[\"?idsite=1\",]}", TestName = "A bulk body that is not JSON gives no hit")]
        [TestCase("{\"requests\":\"?idsite=1\"}", TestName = "A bulk body whose requests are no array gives no hit")]
        public void Undecodable_bulk_gives_none(string body) => Assert.That(QueuedHits.From("", body, NoHeaders), Is.Empty);

        [Test]
        public void Nothing_left_is_no_hit() =>
            Assert.That(QueuedHits.From("token_auth=x&cip=1", "", new NameValueCollection { { "User-Agent", "x" } }), Is.Empty);

        [Test]
        public void Unsafe_raw_pairs_are_re_encoded() =>
            Assert.That(QueuedHits.From("idsite=1&action_name=a b#c\"d", null, NoHeaders), Is.EqualTo(new[] { "idsite=1&action_name=a%20b%23c%22d" }));
    }
}
