using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The Matomo stand-in, a process of its own, answers tracking requests as Matomo (5.x) does and records what
    /// Matomo would have made of each: core/Tracker/Request.php and Visit.php (a site that exists; cip, city, region,
    /// country, lat, long and a custom time a day old only with a valid token_auth; rec=1), core/Tracker/Response.php
    /// (the GIF, 204 for send_image=0, 400 with Matomo's page text) and plugins/BulkTracking (tracked, invalid,
    /// invalid_indices; entries without a query part skipped). Started with --sites 1,2 and its default token.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public class StandinAnswersTests : StandinFixture
    {
        /// <summary>Matomo's transparent GIF (Response::outputTransparentGif).</summary>
        private static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAAAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

        /// <summary>What Matomo writes when it tracked nothing (Response::outputResponse), copied from matomo-org/matomo.</summary>
        private const string NothingTracked =
            "This resource is part of Matomo. Keep full control of your data with the leading free and open source <a href='https://matomo.org' target='_blank' rel='noopener noreferrer nofollow'>web analytics & conversion optimisation platform</a>.<br>\n"
            + "This file is the endpoint for the Matomo tracking API. If you want to access the Matomo UI or use the Reporting API, please use <a href='index.php'>index.php</a> instead.\n";

        private const string CipRefused = "invalid: Tracker API 'cip' was used, requires valid token_auth";
        private const string RecMissing = "excluded: rec missing or 0: Matomo tracks only requests with rec=1";

        public StandinAnswersTests() : base("--sites", "1,2") { }

        [TestCase("idsite=1&rec=1", 200, "tracked")]
        [TestCase("idsite=2&rec=1&action_name=x", 200, "tracked")]
        [TestCase("idsite=1&rec=1&cip=203.0.113.5", 400, CipRefused)]
        [TestCase("idsite=1&rec=1&cip=203.0.113.5&token_auth=wrong", 400, CipRefused)]
        [TestCase("idsite=1&rec=1&cip=203.0.113.5&token_auth=TOKEN", 200, "tracked")]
        [TestCase("idsite=1&rec=1&cip=", 200, "tracked", TestName = "An empty cip is no cip")]
        [TestCase("idsite=1&rec=1&cip=0", 200, "tracked", TestName = "cip=0 is empty to PHP: no cip")]
        [TestCase("idsite=1&cip=203.0.113.5", 400, CipRefused, TestName = "cip is refused before rec is looked at")]
        [TestCase("idsite=1&rec=1&country=fr", 400, "invalid: Tracker API 'country' was used, requires valid token_auth")]
        [TestCase("idsite=1&rec=1&region=75", 400, "invalid: Tracker API 'region' was used, requires valid token_auth")]
        [TestCase("idsite=1&rec=1&city=Paris", 400, "invalid: Tracker API 'city' was used, requires valid token_auth")]
        [TestCase("idsite=1&rec=1&lat=48.85", 400, "invalid: Tracker API 'lat' was used, requires valid token_auth")]
        [TestCase("idsite=1&rec=1&long=2.35", 400, "invalid: Tracker API 'long' was used, requires valid token_auth")]
        [TestCase("idsite=1&rec=1&cip=203.0.113.5&city=Paris", 400, "invalid: Tracker API 'city' was used, requires valid token_auth",
            TestName = "The location is checked before cip")]
        [TestCase("idsite=1&rec=1&country=fr&city=Paris&token_auth=TOKEN", 200, "tracked")]
        [TestCase("idsite=1&rec=1&cdo=86399", 200, "tracked", TestName = "cdo a second short of a day needs no token")]
        [TestCase("idsite=1&rec=1&cdo=86400", 400, "invalid: Custom timestamp is 86400 seconds old, requires &token_auth...")]
        [TestCase("idsite=1&rec=1&cdo=-86400", 400, "invalid: Custom timestamp is 86400 seconds old, requires &token_auth...",
            TestName = "cdo counts as its absolute value")]
        [TestCase("idsite=1&rec=1&cdo=86400&token_auth=TOKEN", 200, "tracked")]
        [TestCase("idsite=1&rec=1&cdt=0&cdo=0", 200, "tracked", TestName = "cdt=0 is empty: no custom time")]
        [TestCase("idsite=1&rec=1&cdt=not-a-date", 200, "tracked", TestName = "A cdt strtotime cannot read is ignored")]
        [TestCase("idsite=1", 200, RecMissing)]
        [TestCase("idsite=1&rec=0", 200, RecMissing)]
        [TestCase("idsite=1&rec=yes", 200, RecMissing, TestName = "rec that is not a number is 0")]
        [TestCase("rec=1", 400, "invalid: Invalid idSite: '0'")]
        [TestCase("idsite=abc&rec=1", 400, "invalid: Invalid idSite: '0'")]
        [TestCase("idsite=1.5&rec=1", 400, "invalid: Invalid idSite: '0'", TestName = "An idsite that is not a whole number is 0")]
        [TestCase("idsite=3&rec=1", 400, "invalid: Invalid idSite: '3'", TestName = "A site not in --sites is unknown")]
        [TestCase("idsite=3&rec=1&cip=203.0.113.5", 400, "invalid: Invalid idSite: '3'", TestName = "The site is checked first")]
        public void Single_request_is_judged_and_answered_as_Matomo_does(string query, int status, string verdict)
        {
            var response = _standin.Raw("GET /matomo.php?" + query.Replace("TOKEN", Token) + " HTTP/1.1\r\n");

            Assert.That(response, Does.StartWith("HTTP/1.1 " + status + " "));
            Assert.That(_standin.All().Single().Verdicts.Select(v => v.ToString()), Is.EqualTo(new[] { verdict }));
        }

        [TestCase(-25 * 3600, 400)]
        [TestCase(-23 * 3600, 200)]
        [TestCase(+3600, 200)] // in the future: not a valid time, ignored
        [TestCase(-21 * 365 * 86400, 200)] // older than 20 years: not a valid time, ignored
        public void Custom_time_older_than_a_day_needs_the_token(int offsetSeconds, int status)
        {
            long cdt = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds;
            var asNumber = _standin.Raw("GET /matomo.php?idsite=1&rec=1&cdt=" + cdt + " HTTP/1.1\r\n");
            var asDate = _standin.Raw("GET /matomo.php?idsite=1&rec=1&cdt="
                                      + Uri.EscapeDataString(DateTimeOffset.FromUnixTimeSeconds(cdt).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
                                      + " HTTP/1.1\r\n");
            var withToken = _standin.Raw("GET /matomo.php?idsite=1&rec=1&cdt=" + cdt + "&token_auth=" + Token + " HTTP/1.1\r\n");

            Assert.That(new[] { asNumber, asDate }.Select(r => r.Substring(0, 12)), Is.All.EqualTo("HTTP/1.1 " + status));
            Assert.That(withToken, Does.StartWith("HTTP/1.1 200 "));
            var verdicts = _standin.All().Select(e => e.Verdicts.Single()).ToList();
            Assert.That(verdicts.Select(v => v.Outcome), Is.EqualTo(new[] { status == 200 ? "tracked" : "invalid", status == 200 ? "tracked" : "invalid", "tracked" }));
            if (status == 400) Assert.That(verdicts[0].Reason, Does.Match(@"^Custom timestamp is 9000\d seconds old, requires &token_auth\.\.\.$"));
        }

        [Test]
        public void Tracked_request_gets_Matomos_gif_or_204_with_send_image_0()
        {
            Assert.That(Body(_standin.RawBytes("GET /matomo.php?idsite=1&rec=1 HTTP/1.1\r\n"), out var head), Is.EqualTo(Gif));
            Assert.That(head, Does.StartWith("HTTP/1.1 200 ").And.Contain("Content-Type: image/gif\r\n"));
            Assert.That(_standin.Raw("GET /matomo.php?idsite=1&rec=1&send_image=0 HTTP/1.1\r\n"), Does.StartWith("HTTP/1.1 204 "));
        }

        [Test]
        public void Refused_request_gets_400_with_the_gif_then_Matomos_page_text()
        {
            var body = Body(_standin.RawBytes("GET /matomo.php?idsite=1&rec=1&cip=203.0.113.5 HTTP/1.1\r\n"), out var head);
            Assert.That(head, Does.StartWith("HTTP/1.1 400 ").And.Contain("Content-Type: image/gif\r\n"));
            Assert.That(body, Is.EqualTo(Gif.Concat(Encoding.UTF8.GetBytes(NothingTracked)).ToArray()),
                "Matomo writes the image for the exception, then its page text because nothing was tracked");

            body = Body(_standin.RawBytes("GET /matomo.php?idsite=1&rec=1&cip=203.0.113.5&send_image=0 HTTP/1.1\r\n"), out head);
            Assert.That(head, Does.StartWith("HTTP/1.1 400 "), "send_image=0 does not turn a refusal into 204");
            Assert.That(Encoding.UTF8.GetString(body), Is.EqualTo(NothingTracked));
        }

        [Test]
        public void Request_without_parameters_gets_Matomos_page_200_for_a_GET_400_otherwise()
        {
            var get = Body(_standin.RawBytes("GET /matomo.php HTTP/1.1\r\n"), out var getHead);
            var post = Body(_standin.RawBytes("POST /piwik.php HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n", ""), out var postHead);

            Assert.That(getHead, Does.StartWith("HTTP/1.1 200 "));
            Assert.That(postHead, Does.StartWith("HTTP/1.1 400 "));
            Assert.That(new[] { get, post }.Select(Encoding.UTF8.GetString), Is.All.EqualTo(NothingTracked));
            Assert.That(_standin.All().Select(e => e.Verdicts.Count), Is.EqualTo(new[] { 0, 0 }), "no tracking request in them");
        }

        [Test]
        public void Bulk_without_a_token_tracks_the_valid_entries_and_counts_the_invalid_ones()
        {
            var response = Bulk("{\"requests\":[\"?idsite=1&rec=1\",\"?idsite=1&rec=1&cip=203.0.113.5\",\"idsite=1&rec=1\",\"?idsite=7&rec=1\","
                                + "{\"idsite\":2,\"rec\":1},{\"idsite\":1,\"rec\":1,\"country\":\"fr\"},\"http://site/matomo.php?idsite=1#x\"]}");

            Assert.That(response, Does.StartWith("HTTP/1.1 200 ").And.Contain("Content-Type: application/json\r\n"));
            Assert.That(response, Does.EndWith("\r\n\r\n{\"status\":\"success\",\"tracked\":3,\"invalid\":3}"),
                "an excluded entry (no rec) counts as tracked, a skipped one nowhere; no indices without a super user's token");
            var hit = _standin.All().Single();
            Assert.That(hit.Verdicts.Select(v => v.ToString()), Is.EqualTo(new[]
            {
                "tracked", CipRefused, "skipped: no query part (parse_url finds none): Matomo ignores the entry", "invalid: Invalid idSite: '7'",
                "tracked", "invalid: Tracker API 'country' was used, requires valid token_auth", RecMissing,
            }));
            Assert.That(hit.Requests[4], Is.EqualTo(new Dictionary<string, string> { ["idsite"] = "2", ["rec"] = "1" }), "an object entry's members");
            Assert.That(hit.Requests[6], Is.EqualTo(new Dictionary<string, string> { ["idsite"] = "1" }), "a URL's query part");
        }

        [Test]
        public void Bulk_with_the_token_lends_it_to_every_entry_and_lists_the_invalid_indices()
        {
            var response = Bulk("{\"requests\":[\"?idsite=1&rec=1&cip=203.0.113.5\",\"idsite=1\",\"?idsite=9&rec=1\",\"?idsite=1&rec=1&cdo=90000\"],"
                                + "\"token_auth\":\"" + Token + "\"}");

            Assert.That(response, Does.EndWith("{\"status\":\"success\",\"tracked\":2,\"invalid\":1,\"invalid_indices\":[1]}"),
                "indices among the entries Matomo kept (the skipped one is not one of them)");
            Assert.That(_standin.All().Single().Verdicts.Select(v => v.Outcome), Is.EqualTo(new[] { "tracked", "skipped", "invalid", "tracked" }));
        }

        [Test]
        public void Bulk_entry_uses_its_own_token_only_when_the_body_has_none()
        {
            string entry = "\"?idsite=1&rec=1&cip=203.0.113.5&token_auth=" + Token + "\"";
            Assert.That(Bulk("{\"requests\":[" + entry + "]}"), Does.EndWith("{\"status\":\"success\",\"tracked\":1,\"invalid\":0}"));
            Assert.That(Bulk("{\"requests\":[" + entry + "],\"token_auth\":\"wrong\"}"), Does.EndWith("{\"status\":\"success\",\"tracked\":0,\"invalid\":1}"),
                "the body's token is the one every entry is judged with");
            Assert.That(_standin.All().Select(e => e.Verdicts.Single().ToString()), Is.EqualTo(new[] { "tracked", CipRefused }));
        }

        [TestCase("0")]
        [TestCase("\"0\"")]
        public void Bulk_with_send_image_0_is_answered_204(string sendImage)
        {
            Assert.That(Bulk("{\"requests\":[\"?idsite=1&rec=1\"],\"send_image\":" + sendImage + "}"), Does.StartWith("HTTP/1.1 204 "));
            Assert.That(_standin.All().Single().Verdicts.Single().Outcome, Is.EqualTo("tracked"));
        }

        [Test]
        public void Body_naming_requests_that_is_not_json_tracks_nothing()
        {
            Assert.That(Bulk("{\"requests\": [\"?idsite=1&rec=1\""), Does.EndWith("{\"status\":\"success\",\"tracked\":0,\"invalid\":0}"));
            Assert.That(_standin.All().Single().Verdicts, Is.Empty);
        }

        [Test]
        public void Viewer_marks_refused_requests()
        {
            _standin.Raw("GET /matomo.php?idsite=1&rec=1&action_name=fine HTTP/1.1\r\n");
            _standin.Raw("GET /matomo.php?idsite=1&rec=1&action_name=refused&cip=203.0.113.5 HTTP/1.1\r\n");

            Assert.That(Http.Get(_standin.BaseUrl, out var page), Is.EqualTo(HttpStatusCode.OK));
            var rows = page.Split(new[] { "<tr class=" }, StringSplitOptions.None).Skip(1).ToList(); // what precedes the first row aside
            Assert.That(rows.Count, Is.EqualTo(2));
            Assert.That(rows[0], Does.StartWith("\"hit refused\"").And.Contain("INVALID: Tracker API &#39;cip&#39; was used, requires valid token_auth")
                .And.Contain("<span class=\"verdict invalid\">invalid</span>"), "newest first");
            Assert.That(rows[1], Does.StartWith("\"hit\"").And.Contain("<span class=\"verdict tracked\">tracked</span>").And.Not.Contain("INVALID"));
        }

        [Test]
        public void Token_and_sites_are_the_ones_given()
        {
            using (var other = new StandinProcess("--token", "another-token", "--sites", "5, 8"))
            {
                var standin = new Standin(other.WaitUntilListening(Timeout));
                Assert.That(standin.Raw("GET /matomo.php?idsite=8&rec=1&cip=203.0.113.5&token_auth=another-token HTTP/1.1\r\n"), Does.StartWith("HTTP/1.1 200 "));
                Assert.That(standin.Raw("GET /matomo.php?idsite=5&rec=1&cip=203.0.113.5&token_auth=" + Token + " HTTP/1.1\r\n"), Does.StartWith("HTTP/1.1 400 "));
                Assert.That(standin.Raw("GET /matomo.php?idsite=1&rec=1 HTTP/1.1\r\n"), Does.StartWith("HTTP/1.1 400 "));
                Assert.That(standin.All().Select(e => e.Verdicts.Single().ToString()), Is.EqualTo(new[] { "tracked", CipRefused, "invalid: Invalid idSite: '1'" }));
            }
        }

        [Test]
        public void Bulk_requiring_the_token_is_refused_whole_without_it()
        {
            using (var strict = new StandinProcess("--bulk-requires-token"))
            {
                var standin = new Standin(strict.WaitUntilListening(Timeout));
                string Send(string body) => standin.Raw("POST /matomo.php HTTP/1.1\r\nContent-Type: application/json\r\n", body);
                const string Error = "{\"status\":\"error\",\"tracked\":0,\"invalid\":0}";

                Assert.That(Send("{\"requests\":[\"?idsite=1&rec=1\"]}"), Does.StartWith("HTTP/1.1 500 ").And.EndWith(Error));
                Assert.That(Send("{\"requests\":[\"?idsite=1&rec=1&token_auth=" + Token + "\"]}"), Does.StartWith("HTTP/1.1 500 ").And.EndWith(Error),
                    "an entry's own token does not count: the body's is checked");
                Assert.That(Send("{\"requests\":[\"?idsite=4&rec=1\"],\"token_auth\":\"wrong\"}"), Does.StartWith("HTTP/1.1 500 ").And.EndWith(Error));
                Assert.That(Send("{\"requests\":[\"idsite=1\",\"?idsite=1&rec=1\",\"?idsite=1&cip=203.0.113.5\"],\"token_auth\":\"" + Token + "\"}"),
                    Does.StartWith("HTTP/1.1 200 ").And.EndWith("{\"status\":\"success\",\"tracked\":2,\"invalid\":0,\"invalid_indices\":[]}"));

                var verdicts = standin.All().Select(e => e.Verdicts.Select(v => v.ToString()).ToList()).ToList();
                Assert.That(verdicts[0], Is.EqualTo(new[] { "invalid: the whole bulk request was refused: token_auth must be specified when using Bulk Tracking Import.  See <a href='https://developer.piwik.org/api-reference/tracking-api'>Tracking Doc</a>" }));
                Assert.That(verdicts[2], Is.EqualTo(new[] { "invalid: the whole bulk request was refused: token_auth specified does not have Admin permission for idsite=4" }));
                Assert.That(verdicts[3], Is.EqualTo(new[] { "skipped: no query part (parse_url finds none): Matomo ignores the entry", "tracked", RecMissing }));
            }
        }

        [TestCase("--sites", "1,x", "--sites (a list such as 1,3,42)")]
        [TestCase("--sites", "0", "--sites (a list such as 1,3,42)")]
        [TestCase("--token", "two words", "--token expects printable ASCII without spaces")]
        public void Bad_option_is_refused_with_a_message(string option, string value, string message)
        {
            using (var bad = new StandinProcess(option, value))
            {
                Assert.That(bad.WaitForExit(Timeout, out var errors), Is.EqualTo(2));
                Assert.That(errors, Does.Contain(message));
            }
        }

        private string Bulk(string body) =>
            _standin.Raw("POST /matomo.php HTTP/1.1\r\nContent-Type: application/json\r\n", body);

        /// <summary>The body of a raw response (after the blank line); <paramref name="head"/> gets the rest.</summary>
        private static byte[] Body(byte[] response, out string head)
        {
            for (int i = 0; i + 3 < response.Length; i++)
                if (response[i] == '\r' && response[i + 1] == '\n' && response[i + 2] == '\r' && response[i + 3] == '\n')
                {
                    head = Encoding.ASCII.GetString(response, 0, i + 4);
                    return response.Skip(i + 4).ToArray();
                }
            throw new FormatException("no end of head in " + Encoding.ASCII.GetString(response));
        }
    }
}
