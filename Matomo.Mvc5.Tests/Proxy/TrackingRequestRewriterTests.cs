using System.Collections.Generic;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>
    /// The cip / token_auth rules, case by case after matomo-org/tracker-proxy's tests/ProxyTest.php (the test named in
    /// each comment), on the pure rewriter.
    /// </summary>
    public class TrackingRequestRewriterTests
    {
        private const string Ip = "198.51.100.7";
        private const string Token = "proxy-token";

        private static TrackingRequestRewriter.Result Rewrite(string query, string body = null) =>
            TrackingRequestRewriter.Rewrite(query, body, Ip, Token);

        private static IDictionary<string, string> Params(string form) => UpstreamRequest.Decode(form ?? "");

        /// <summary>What Matomo reads from a rewritten single request: <c>$_GET + $_POST</c>, the query winning.</summary>
        private static IDictionary<string, string> Read(TrackingRequestRewriter.Result r)
        {
            var read = new Dictionary<string, string>(Params(r.Body));
            foreach (var p in Params(r.Query)) read[p.Key] = p.Value;
            return read;
        }

        [Test] // test_get_request_is_proxied (the ordinary case)
        public void Plain_get_gets_cip_and_token_and_keeps_its_parameters()
        {
            var r = Rewrite("idsite=1&rec=1&url=https%3A%2F%2Fsite.example%2Fa%3Fb%3Dc");
            var p = Read(r);
            Assert.That(p["cip"], Is.EqualTo(Ip));
            Assert.That(p["token_auth"], Is.EqualTo(Token));
            Assert.That(p["url"], Is.EqualTo("https://site.example/a?b=c"));
            Assert.That(r.Query, Is.EqualTo("idsite=1&rec=1&url=https%3A%2F%2Fsite.example%2Fa%3Fb%3Dc"), "the client's pairs pass byte for byte, and nothing else is in the URL");
            Assert.That(r.Body, Is.EqualTo("cip=198.51.100.7&token_auth=proxy-token"), "the token and cip go in a form body, never in a URL Matomo's web server logs");
        }

        [Test] // test_get_request_with_client_cip_is_not_overridden_and_gets_no_token
        public void Client_cip_is_kept_and_gets_no_token()
        {
            var p = Read(Rewrite("idsite=1&rec=1&cip=203.0.113.9"));
            Assert.That(p["cip"], Is.EqualTo("203.0.113.9"));
            Assert.That(p.ContainsKey("token_auth"), Is.False);
        }

        [Test] // test_get_request_with_cdo_without_token_gets_cip_but_no_token (and the other override parameters)
        public void Override_parameters_without_token_get_cip_but_no_token([Values("cdt", "cdo", "country", "region", "city", "lat", "long")] string name)
        {
            var p = Read(Rewrite("idsite=1&rec=1&" + name + "=x"));
            Assert.That(p["cip"], Is.EqualTo(Ip));
            Assert.That(p.ContainsKey("token_auth"), Is.False);
            Assert.That(p[name], Is.EqualTo("x"));
        }

        [Test] // an override parameter given as an array counts too (key presence, whatever the type)
        public void Array_override_parameter_counts() =>
            Assert.That(Read(Rewrite("idsite=1&country[]=fr")).ContainsKey("token_auth"), Is.False);

        [Test] // test_post_requests_with_client_token_auth_keep_params_and_get_no_proxy_token
        public void Client_token_is_kept_and_ours_is_not_added()
        {
            var r = Rewrite("idsite=1&rec=1&token_auth=theirs");
            var p = Read(r);
            Assert.That(p["token_auth"], Is.EqualTo("theirs"));
            Assert.That(p["cip"], Is.EqualTo(Ip), "the visitor address still goes, for the client's token to authorize");
            Assert.That(r.Query + r.Body, Does.Not.Contain(Token));
        }

        [TestCase("token_auth=", TestName = "Empty token_auth alone is tracked with the proxy token")]
        [TestCase("token_auth[]=x", TestName = "Array token_auth alone is tracked with the proxy token")]
        public void Empty_or_array_token_is_replaced_by_ours(string token)
        {
            var r = Rewrite("idsite=1&" + token);
            Assert.That(Read(r)["token_auth"], Is.EqualTo(Token));
            Assert.That(r.Query, Is.EqualTo("idsite=1"), "the client's empty or array token would win over ours in the query: it goes");
        }

        [TestCase("token_auth=&cdo=1", TestName = "Empty token_auth with an override gets no proxy token")]
        [TestCase("token_auth[]=x&cdo=1", TestName = "Array token_auth with an override gets no proxy token")]
        public void Empty_or_array_token_with_override_gets_no_token(string query)
        {
            var r = Rewrite("idsite=1&" + query);
            Assert.That(r.Query + r.Body, Does.Not.Contain(Token));
        }

        [TestCase("cip=", TestName = "Empty client cip is replaced by the visitor address")]
        [TestCase("cip[]=1.2.3.4", TestName = "Array client cip is replaced by the visitor address")]
        public void Empty_or_array_cip_is_replaced(string cip)
        {
            var r = Rewrite("idsite=1&" + cip);
            Assert.That(Read(r)["cip"], Is.EqualTo(Ip));
            Assert.That(Read(r)["token_auth"], Is.EqualTo(Token));
            Assert.That(r.Query, Is.EqualTo("idsite=1"), "the client's empty or array cip would win over ours in the query: it goes");
        }

        [Test] // test_empty_query_cip_wins_over_a_body_cip_and_is_replaced
        public void Empty_query_cip_wins_over_a_body_cip_and_both_are_replaced()
        {
            var r = Rewrite("idsite=1&cip=", "rec=1&cip=203.0.113.9");
            Assert.That(Read(r)["cip"], Is.EqualTo(Ip));
            Assert.That(Params(r.Query).ContainsKey("cip"), Is.False, "the query's empty cip would win over ours");
            Assert.That(r.Body, Is.EqualTo("rec=1&cip=198.51.100.7"), "Matomo never read the body's cip: it must not come back (nor the token, for a request that sent one)");
        }

        [Test]
        public void A_semicolon_part_naming_an_added_parameter_leaves_the_query_whole()
        {
            // With arg_separator.input "&;" PHP reads x=1;token_auth= as x and an empty token_auth, which would win
            // over the body's: the pair goes whole, so that what the proxy adds is what Matomo reads.
            var r = Rewrite("idsite=1&x=1;token_auth=&y=2;cip=");
            Assert.That(r.Query, Is.EqualTo("idsite=1"));
            Assert.That(r.Body, Is.EqualTo("cip=198.51.100.7&token_auth=proxy-token"));
        }

        [Test] // test_post_form_with_client_cip_is_not_overridden_and_gets_no_token
        public void Body_cip_is_kept_and_gets_no_token()
        {
            var r = Rewrite("", "idsite=1&rec=1&cip=203.0.113.9");
            Assert.That(Params(r.Body)["cip"], Is.EqualTo("203.0.113.9"));
            Assert.That(Params(r.Query).ContainsKey("cip"), Is.False);
            Assert.That(r.Query + r.Body, Does.Not.Contain(Token));
        }

        [Test] // test_post_requests_are_proxied_correctly / test_post_requests_forward_body_rebuilt_from_parsed_post
        public void Post_form_keeps_its_body_and_gets_cip_and_token_after_it()
        {
            var r = Rewrite("", "idsite=1&rec=1&action_name=Caf%C3%A9+au+lait&send_image=0");
            Assert.That(r.Body, Is.EqualTo("idsite=1&rec=1&action_name=Caf%C3%A9+au+lait&send_image=0&cip=198.51.100.7&token_auth=proxy-token"));
            Assert.That(r.Query, Is.Empty);
        }

        [Test] // test_post_requests_without_client_token_get_no_proxy_token_and_params_are_kept
        public void Post_with_override_in_body_gets_no_token_and_keeps_it()
        {
            var r = Rewrite("", "idsite=1&rec=1&city=Paris");
            Assert.That(Params(r.Body)["city"], Is.EqualTo("Paris"));
            Assert.That(r.Query + r.Body, Does.Not.Contain(Token));
        }

        [Test]
        public void Without_a_token_nothing_is_injected()
        {
            var r = TrackingRequestRewriter.Rewrite("idsite=1&rec=1", null, Ip, null);
            Assert.That(r.Query, Is.EqualTo("idsite=1&rec=1"));
        }

        [Test]
        public void Unsafe_raw_pairs_are_re_encoded_not_passed_raw()
        {
            var r = Rewrite("idsite=1&action_name=a b\r\nX-Evil: 1#frag");
            Assert.That(r.Query, Does.Not.Contain(" ").And.Not.Contain("\r").And.Not.Contain("\n").And.Not.Contain("#"));
            Assert.That(Params(r.Query)["action_name"], Is.EqualTo("a b\r\nX-Evil: 1#frag"));
        }

        [Test] // test_bulk_request_injects_cip_and_top_level_token_into_clean_batch
        public void Bulk_clean_batch_gets_cip_per_entry_and_one_top_level_token()
        {
            var r = Rewrite("", "{\"requests\":[\"?idsite=1&rec=1\",\"?idsite=1&rec=1&e_c=x\"]}");
            Assert.That(r.IsBulk, Is.True);
            Assert.That(r.Body, Is.EqualTo("{\"requests\":[\"?idsite=1&rec=1&cip=198.51.100.7\",\"?idsite=1&rec=1&e_c=x&cip=198.51.100.7\"],\"token_auth\":\"proxy-token\"}"));
            Assert.That(r.Query, Is.Empty);
        }

        [Test] // test_bulk_request_leaves_offending_string_entry_untouched + test_bulk_request_with_offending_entry_does_not_set_top_level_token
        public void Bulk_offending_string_entry_is_untouched_and_clean_entries_get_their_own_token()
        {
            var r = Rewrite("", "{\"requests\":[\"?idsite=1&cip=203.0.113.9\",\"?idsite=1&rec=1\"]}");
            Assert.That(r.Body, Is.EqualTo("{\"requests\":[\"?idsite=1&cip=203.0.113.9\",\"?idsite=1&rec=1&cip=198.51.100.7&token_auth=proxy-token\"]}"));
        }

        [Test] // test_bulk_request_injected_entry_token_is_appended_last_even_when_entry_supplies_token_auth_key
        public void Bulk_injected_entry_token_replaces_an_empty_one_and_comes_last()
        {
            var r = Rewrite("", "{\"requests\":[\"?token_auth=&idsite=1\",\"?idsite=1&cdo=1\"]}");
            Assert.That(r.Body, Is.EqualTo("{\"requests\":[\"?idsite=1&cip=198.51.100.7&token_auth=proxy-token\",\"?idsite=1&cdo=1\"]}"));
        }

        [Test] // test_bulk_request_drops_entry_token_auth_key_when_no_per_entry_token_is_injected
        public void Bulk_clean_batch_drops_an_empty_entry_token()
        {
            var r = Rewrite("", "{\"requests\":[\"?token_auth=&idsite=1\"]}");
            Assert.That(r.Body, Is.EqualTo("{\"requests\":[\"?idsite=1&cip=198.51.100.7\"],\"token_auth\":\"proxy-token\"}"));
        }

        [Test] // test_bulk_request_leaves_offending_object_entry_untouched (+ _with_country_)
        public void Bulk_offending_object_entry_is_untouched([Values("\"cip\":\"203.0.113.9\"", "\"country\":\"fr\"", "\"token_auth\":\"theirs\"")] string member)
        {
            var r = Rewrite("", "{\"requests\":[{\"idsite\":1," + member + "},{\"idsite\":2}]}");
            Assert.That(r.Body, Is.EqualTo("{\"requests\":[{\"idsite\":1," + member + "},{\"idsite\":2,\"cip\":\"198.51.100.7\",\"token_auth\":\"proxy-token\"}]}"));
        }

        [Test] // test_bulk_request_with_top_level_token_injects_cip_only
        public void Bulk_with_client_top_level_token_gets_cip_only()
        {
            var r = Rewrite("", "{\"requests\":[\"?idsite=1\"],\"token_auth\":\"theirs\"}");
            Assert.That(r.Body, Is.EqualTo("{\"requests\":[\"?idsite=1&cip=198.51.100.7\"],\"token_auth\":\"theirs\"}"));
        }

        [Test] // test_bulk_request_with_url_token_is_relocated_into_body
        public void Bulk_url_token_moves_into_the_body()
        {
            var r = Rewrite("token_auth=theirs&x=1", "{\"requests\":[\"?idsite=1\"]}");
            Assert.That(r.Body, Is.EqualTo("{\"requests\":[\"?idsite=1&cip=198.51.100.7\"],\"token_auth\":\"theirs\"}"));
            Assert.That(r.Query, Is.EqualTo("x=1"));
        }

        [Test] // test_bulk_request_with_invalid_json_is_forwarded_unchanged
        public void Bulk_with_invalid_json_is_forwarded_unchanged()
        {
            const string body = "{\"requests\":[\"?idsite=1\",]}";
            Assert.That(Rewrite("", body).Body, Is.EqualTo(body));
        }

        [Test] // test_bulk_marker_at_offset_zero_is_not_treated_as_bulk
        public void Marker_at_offset_zero_is_not_bulk()
        {
            var r = Rewrite("", "\"requests\"=1&idsite=1");
            Assert.That(r.IsBulk, Is.False);
            Assert.That(Read(r)["cip"], Is.EqualTo(Ip));
        }

        [Test] // test_visitor_ip_removal_leaves_bulk_entry_without_query_unchanged
        public void Bulk_entry_without_query_is_unchanged()
        {
            var r = Rewrite("", "{\"requests\":[\"idsite=1\",\"?\"]}");
            Assert.That(r.Body, Is.EqualTo("{\"requests\":[\"idsite=1\",\"?\"],\"token_auth\":\"proxy-token\"}"));
        }

        [Test]
        public void Bulk_json_with_line_breaks_escapes_and_unicode_round_trips()
        {
            var r = Rewrite("", "{\n\"requests\": [\r\n\"?idsite=1&action_name=%C3%A9\"],\n\"x\":\"\\u00e9\\\"\\\\/\\n\",\"n\":-1.5e3,\"b\":[true,false,null]}");
            Assert.That(r.Body, Is.EqualTo("{\"requests\":[\"?idsite=1&action_name=%C3%A9&cip=198.51.100.7\"],\"x\":\"é\\\"\\\\/\\u000a\",\"n\":-1.5e3,\"b\":[true,false,null],\"token_auth\":\"proxy-token\"}"));
        }

        [Test]
        public void Deeply_nested_json_is_not_parsed_but_forwarded_unchanged()
        {
            string body = "{\"requests\":" + new string('[', 10000) + new string(']', 10000) + "}";
            Assert.That(Rewrite("", body).Body, Is.EqualTo(body));
        }
    }
}
