using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The Matomo stand-in (Matomo.Mvc5.Standin) as a process of its own, spoken to in plain HTTP: what it records of a
    /// tracking request (for the browser tests and for the tracker proxy's), how it answers as Matomo does, the
    /// faults it plays on request, and its ports.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public class StandinTests : StandinFixture
    {
        public StandinTests() : base("--base", "/matomo/") { }

        [SetUp]
        public void NoFault() => SetFault("none");

        [Test]
        public void Listens_on_loopback_at_a_port_the_kernel_chose_and_serves_under_its_base_path()
        {
            Assert.That(_standin.BaseUrl, Does.Match(@"^http://127\.0\.0\.1:\d+/matomo/$"));
            Assert.That(Http.Get(_standin.BaseUrl + "matomo.js", out var script), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(script, Does.Contain("_paq"));
            Assert.That(Http.Get(_standin.BaseUrl.Replace("/matomo/", "/") + "matomo.js", out _), Is.EqualTo(HttpStatusCode.NotFound),
                "outside its base path nothing is Matomo's");
        }

        [Test]
        public void Several_stand_ins_started_at_once_each_get_a_port_of_their_own()
        {
            var processes = Enumerable.Range(0, 5).Select(_ => new StandinProcess()).ToList();
            try
            {
                var urls = processes.Select(p => p.WaitUntilListening(Timeout)).ToList();
                Assert.That(urls.Distinct().Count(), Is.EqualTo(5), string.Join(", ", urls));
                foreach (var url in urls) Assert.That(Http.Get(url + "standin/received", out _), Is.EqualTo(HttpStatusCode.OK), url);
            }
            finally
            {
                foreach (var p in processes) p.Dispose();
            }
        }

        [Test]
        public void Port_that_is_taken_is_refused_with_a_message()
        {
            using (var taken = new StandinProcess("--port", _process.Port.ToString()))
            {
                Assert.That(taken.WaitForExit(Timeout, out var errors), Is.EqualTo(1));
                Assert.That(errors, Does.Contain("cannot listen on 127.0.0.1:" + _process.Port));
            }
        }

        [Test]
        public void Tracking_request_is_recorded_as_sent_with_headers_cookies_and_peer()
        {
            var response = Raw("GET /matomo/matomo.php?idsite=42&rec=1&url=http%3A%2F%2Fsite%2Fa&cip=10.1.2.3&token_auth=" + Token + "&e_n=a%2Bb+c HTTP/1.1\r\n"
                               + "User-Agent: Tester/1.0\r\nAccept-Language: de-CH\r\nDNT: 1\r\nX-Forwarded-For: 10.9.9.9\r\n"
                               + "Cookie: _pk_id.42.abcd=visitor; session=s3cret\r\nCookie: mtm_consent=1\r\nReferer: http://site/a\r\n");

            Assert.That(response, Does.StartWith("HTTP/1.1 200 OK\r\n"));
            Assert.That(response, Does.Contain("Content-Type: image/gif"));
            var hit = _standin.All().Single();
            Assert.That(hit.Kind, Is.EqualTo("hit"));
            Assert.That(hit.Method, Is.EqualTo("GET"));
            Assert.That(hit.Path, Is.EqualTo("/matomo/matomo.php"));
            Assert.That(hit.Target, Does.EndWith("&e_n=a%2Bb+c"), "the target as sent");
            Assert.That(hit.Parameters, Is.EqualTo(new Dictionary<string, string>
            {
                ["idsite"] = "42", ["rec"] = "1", ["url"] = "http://site/a", ["cip"] = "10.1.2.3", ["token_auth"] = Token, ["e_n"] = "a+b c",
            }));
            Assert.That(hit.Page, Is.EqualTo("http://site/a"));
            Assert.That(hit.RemoteAddress, Is.EqualTo("127.0.0.1"));
            Assert.That(new[] { hit.Header("user-agent"), hit.Header("Accept-Language"), hit.Header("DNT"), hit.Header("X-Forwarded-For") },
                Is.EqualTo(new[] { "Tester/1.0", "de-CH", "1", "10.9.9.9" }));
            Assert.That(hit.Cookies, Is.EqualTo(new Dictionary<string, string>
            {
                ["_pk_id.42.abcd"] = "visitor", ["session"] = "s3cret", ["mtm_consent"] = "1",
            }), "every Cookie header");
            Assert.That(hit.Status, Is.EqualTo(200));
            Assert.That(hit.Verdicts.Select(v => v.ToString()), Is.EqualTo(new[] { "tracked" }), "cip with the stand-in's token");
        }

        [Test]
        public void Form_post_is_merged_with_the_query_and_send_image_0_answers_204()
        {
            var response = Raw("POST /matomo/piwik.php?idsite=1&rec=0 HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded; charset=UTF-8\r\n",
                "rec=1&action_name=Caf%C3%A9&send_image=0");

            Assert.That(response, Does.StartWith("HTTP/1.1 204 No Content\r\n"));
            var hit = _standin.All().Single();
            Assert.That(hit.Path, Is.EqualTo("/matomo/piwik.php"));
            Assert.That(hit.Parameters["rec"], Is.EqualTo("0"), "the query's value wins, as in Matomo's $_GET + $_POST");
            Assert.That(hit.Parameters["action_name"], Is.EqualTo("Café"));
            Assert.That(hit.Verdicts.Single().Outcome, Is.EqualTo("excluded"), "rec=0: Matomo answers, and records nothing");
            Assert.That(hit.Body, Is.EqualTo("rec=1&action_name=Caf%C3%A9&send_image=0"));
        }

        [Test]
        public void Body_that_is_not_a_form_is_not_read_as_parameters()
        {
            var response = Raw("POST /matomo/matomo.php?idsite=1 HTTP/1.1\r\nContent-Type: text/plain\r\n", "rec=1&action_name=x");

            Assert.That(response, Does.StartWith("HTTP/1.1 200 OK\r\n"));
            var hit = _standin.All().Single();
            Assert.That(hit.Parameters, Is.EqualTo(new Dictionary<string, string> { ["idsite"] = "1" }), "PHP fills $_POST from form bodies only");
            Assert.That(hit.Verdicts.Single().Outcome, Is.EqualTo("excluded"));
        }

        [Test]
        public void Bulk_request_is_recorded_request_by_request_and_answered_as_Matomo_does()
        {
            string body = "{\"requests\":[\"?idsite=1&rec=1&url=http%3A%2F%2Fsite%2F1&cip=10.0.0.1\",\"?idsite=2&rec=1\"],\"token_auth\":\"" + Token + "\"}";
            // Chunked, as a client that streams its body sends it.
            var chunked = new StringBuilder();
            foreach (var part in new[] { body.Substring(0, 20), body.Substring(20) })
                chunked.Append(Encoding.UTF8.GetByteCount(part).ToString("x")).Append("\r\n").Append(part).Append("\r\n");
            chunked.Append("0\r\n\r\n");
            var response = Raw("POST /matomo/matomo.php HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                chunked.ToString(), contentLength: false);

            Assert.That(response, Does.StartWith("HTTP/1.1 200 OK\r\n"));
            Assert.That(response, Does.EndWith("{\"status\":\"success\",\"tracked\":2,\"invalid\":0,\"invalid_indices\":[]}"),
                "a super user's token also gets the invalid entries' indices");
            var hit = _standin.All().Single();
            Assert.That(hit.Body, Is.EqualTo(body));
            Assert.That(hit.Parameters, Is.EqualTo(new Dictionary<string, string> { ["token_auth"] = Token }));
            Assert.That(hit.Verdicts.Select(v => v.Outcome), Is.EqualTo(new[] { "tracked", "tracked" }));
            Assert.That(hit.Requests.Select(r => r["idsite"]), Is.EqualTo(new[] { "1", "2" }));
            Assert.That(hit.Requests[0]["cip"], Is.EqualTo("10.0.0.1"));
            Assert.That(hit.Page, Is.EqualTo("http://site/1"));
        }

        [Test]
        public void Preflight_allows_the_pages_origin_with_its_cookies()
        {
            var response = Raw("OPTIONS /matomo/matomo.php HTTP/1.1\r\nOrigin: http://site.example\r\n"
                               + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n");

            Assert.That(response, Does.StartWith("HTTP/1.1 204 No Content\r\n"));
            Assert.That(response, Does.Contain("Access-Control-Allow-Origin: http://site.example\r\n"));
            Assert.That(response, Does.Contain("Access-Control-Allow-Credentials: true\r\n"));
            Assert.That(response, Does.Contain("Access-Control-Allow-Headers: content-type\r\n"));
            Assert.That(_standin.All().Single().Kind, Is.EqualTo("preflight"));
        }

        [TestCase("/matomo/../matomo/matomo.php")]
        [TestCase("/matomo/%2e%2e/index.php")]
        [TestCase("/matomo/js%2Fcontainer_x.js")]
        [TestCase("/matomo/index.php?module=API")]
        [TestCase("/matomo/matomo.php/extra")]
        public void Anything_else_is_404_and_recorded_exactly_as_asked(string target)
        {
            var response = Raw("GET " + target + " HTTP/1.1\r\n");

            Assert.That(response, Does.StartWith("HTTP/1.1 404 "));
            var other = _standin.All().Single();
            Assert.That(other.Kind, Is.EqualTo("other"));
            Assert.That(other.Target, Is.EqualTo(target), "not normalised");
        }

        [Test]
        public void Scripts_carry_validators_and_answer_304_when_unchanged()
        {
            Assert.That(Http.Get(_standin.BaseUrl + "matomo.js", out _, out var headers), Is.EqualTo(HttpStatusCode.OK));
            string etag = headers["ETag"];
            Assert.That(etag, Does.Match("^\"[0-9a-f]{16}\"$"));
            Assert.That(headers["Last-Modified"], Is.Not.Null);

            var response = Raw("GET /matomo/matomo.js HTTP/1.1\r\nIf-None-Match: " + etag + "\r\n");
            Assert.That(response, Does.StartWith("HTTP/1.1 304 Not Modified\r\n"));
            Assert.That(Raw("GET /matomo/js/container_Ab12.js HTTP/1.1\r\n"), Does.Contain("_mtm"));
            Assert.That(_standin.All().Select(r => r.Kind + " " + r.Status), Is.EqualTo(new[] { "script 200", "script 304", "script 200" }));
        }

        [TestCase("error", "", "HTTP/1.1 500 ")]
        [TestCase("error", "&status=502", "HTTP/1.1 502 ")]
        [TestCase("error", "&status=504", "HTTP/1.1 504 ")]
        [TestCase("unavailable", "", "HTTP/1.1 503 ")]
        public void Fault_answers_with_an_error_status(string mode, string more, string statusLine)
        {
            SetFault(mode, more);
            Assert.That(Raw("GET /matomo/matomo.php?idsite=1&rec=1 HTTP/1.1\r\n"), Does.StartWith(statusLine));
            Assert.That(Raw("GET /matomo/matomo.js HTTP/1.1\r\n"), Does.StartWith(statusLine));
            var received = _standin.All();
            Assert.That(received.Select(r => r.Kind), Is.EqualTo(new[] { "hit", "script" }), "recorded all the same");
            Assert.That(received[0].Parameters["idsite"], Is.EqualTo("1"));
            Assert.That(received[0].Verdicts.Single().Outcome, Is.EqualTo("failed"), "the fault answered, Matomo tracked nothing");
        }

        [TestCase("error&status=404")]
        [TestCase("error&status=5000")]
        [TestCase("refuse")]
        [TestCase("refuse&ms=-1")]
        [TestCase("invalid&every=0")]
        [TestCase("slow")]
        [TestCase("teapot")]
        public void Fault_without_the_value_it_needs_is_refused(string mode)
        {
            Assert.That(Http.Send("POST", _standin.BaseUrl + "standin/fault?mode=" + mode, out var message), Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(message, Does.Contain("=").And.Not.Contain("stand-in error"), "names the value expected");
            Assert.That(Raw("GET /matomo/matomo.php?idsite=1&rec=1 HTTP/1.1\r\n"), Does.StartWith("HTTP/1.1 200 "), "the mode in force is kept");
        }

        [Test]
        public void Reset_fault_closes_the_connection_without_an_answer()
        {
            SetFault("reset");
            Assert.That(() => Raw("GET /matomo/matomo.php?idsite=1 HTTP/1.1\r\n"),
                Throws.InstanceOf<IOException>().Or.InstanceOf<SocketException>().Or.Matches<Exception>(e => e.Message == "no answer"));
            var hit = _standin.All().Single();
            Assert.That(hit.Status, Is.EqualTo(0));
            Assert.That(hit.Verdicts.Single().Outcome, Is.EqualTo("failed"));
        }

        [Test]
        public void Refuse_fault_refuses_connections_then_listens_again_on_the_same_port()
        {
            var uri = new Uri(_standin.BaseUrl);
            using (var idle = new TcpClient())
            {
                // A kept-alive connection, as a client's pool holds one: a server that goes down closes it too.
                idle.Connect(IPAddress.Loopback, uri.Port);
                idle.ReceiveTimeout = 30000;
                var stream = idle.GetStream();
                var ask = Encoding.ASCII.GetBytes("GET /matomo/matomo.php?idsite=1&rec=1 HTTP/1.1\r\nHost: " + uri.Authority + "\r\n\r\n");
                stream.Write(ask, 0, ask.Length);
                Assert.That(ReadResponse(stream), Does.StartWith("HTTP/1.1 200 "));

                // Long enough for both checks below, on a busy machine too: the refused connection proves it was in force.
                SetFault("refuse", "&ms=6000");
                var refused = Assert.Throws<SocketException>(() => { using (var c = new TcpClient()) c.Connect(IPAddress.Loopback, uri.Port); });
                Assert.That(refused.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused), "refused by the kernel: nothing listens");
                Assert.That(ReadUntilClosed(stream), Is.EqualTo(""), "the idle connection was closed (before the fault's answer) without an answer");
            }

            var back = Stopwatch.StartNew();
            string answer = null;
            while (answer == null)
            {
                try { answer = Raw("GET /matomo/matomo.php?idsite=3&rec=1 HTTP/1.1\r\n"); }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused && back.Elapsed < Timeout) { Thread.Sleep(100); }
            }
            Assert.That(answer, Does.StartWith("HTTP/1.1 200 "), "listening again on the same port");
            var hit = _standin.All().Last();
            Assert.That(hit.Parameters["idsite"], Is.EqualTo("3"));
            Assert.That(hit.Fault, Is.Null, "back to mode none");
        }

        [Test]
        public void Invalid_fault_makes_every_nth_tracking_request_invalid()
        {
            SetFault("invalid", "&every=3");
            var answers = Enumerable.Range(1, 4).Select(i => Raw("GET /matomo/matomo.php?idsite=1&rec=1&n=" + i + " HTTP/1.1\r\n")).ToList();
            var bulk = Raw("POST /matomo/matomo.php HTTP/1.1\r\nContent-Type: application/json\r\n",
                "{\"requests\":[\"?idsite=1&rec=1\",\"?idsite=1&rec=1\",\"?idsite=1&rec=1\"]}");

            Assert.That(answers.Select(a => a.Substring(0, 12)), Is.EqualTo(new[] { "HTTP/1.1 200", "HTTP/1.1 200", "HTTP/1.1 400", "HTTP/1.1 200" }));
            Assert.That(bulk, Does.EndWith("{\"status\":\"success\",\"tracked\":2,\"invalid\":1}"), "the 6th request judged is the bulk's 2nd");
            var hits = _standin.All();
            Assert.That(hits.SelectMany(h => h.Verdicts).Select(v => v.Outcome),
                Is.EqualTo(new[] { "tracked", "tracked", "invalid", "tracked", "tracked", "invalid", "tracked" }));
            Assert.That(hits[2].Verdicts[0].Reason, Is.EqualTo("stand-in fault: invalid every 3"));
        }

        [Test]
        public void Hang_fault_answers_only_once_the_mode_changes()
        {
            SetFault("hang");
            var request = Task.Run(() => Raw("GET /matomo/matomo.php?idsite=7&rec=1 HTTP/1.1\r\n"));
            _standin.WaitFor("the hanging request", Timeout, all => all.Any(r => r.Kind == "hit"));
            Assert.That(request.IsCompleted, Is.False, "no answer while hanging");

            SetFault("none");
            Assert.That(request.Wait(Timeout), Is.True);
            Assert.That(request.Result, Does.StartWith("HTTP/1.1 200 OK\r\n"));
            Assert.That(_standin.All().Single().Verdicts.Single().Outcome, Is.EqualTo("tracked"), "answered after all");
        }

        [Test]
        public void Slow_fault_answers_normally_and_records_it()
        {
            SetFault("slow", "&ms=200");
            Assert.That(Raw("GET /matomo/matomo.php?idsite=1 HTTP/1.1\r\n"), Does.StartWith("HTTP/1.1 200 OK\r\n"));
            var hit = _standin.All().Single();
            Assert.That(hit.Status, Is.EqualTo(200));
            Assert.That(hit.Fault, Is.EqualTo("slow 200 ms"));
        }

        [Test]
        public void Viewer_shows_what_was_received_encoded()
        {
            Raw("GET /matomo/matomo.php?idsite=1&action_name=%3Cscript%3Ealert(1)%3C%2Fscript%3E HTTP/1.1\r\n");
            Assert.That(Http.Get(_standin.BaseUrl, out var page), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page, Does.Contain("action_name = &lt;script&gt;alert(1)&lt;/script&gt;"));
            Assert.That(page, Does.Not.Contain("<script>alert"));
        }

        [Test]
        public void Received_lists_entries_after_an_id_and_clear_forgets_them()
        {
            Raw("GET /matomo/matomo.php?idsite=1 HTTP/1.1\r\n");
            Raw("GET /matomo/matomo.php?idsite=2 HTTP/1.1\r\n");
            var all = _standin.All();
            Assert.That(Http.Get(_standin.BaseUrl + "standin/received?after=" + all[0].Id, out var json), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(JsonSerializer.Deserialize<List<Received>>(json).Select(r => r.Parameters["idsite"]), Is.EqualTo(new[] { "2" }));

            _standin.Clear();
            Assert.That(_standin.All(), Is.Empty);
        }

        private void SetFault(string mode, string more = "")
        {
            var status = Http.Send("POST", _standin.BaseUrl + "standin/fault?mode=" + mode + more, out var body);
            Assert.That(status, Is.EqualTo(HttpStatusCode.NoContent), body);
        }

        /// <summary>Reads one answer (its head, then as many body bytes as its Content-Length says); returns the head.</summary>
        private static string ReadResponse(Stream stream)
        {
            var head = new StringBuilder();
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                int b = stream.ReadByte();
                if (b < 0) throw new IOException("closed in the middle of an answer: " + head);
                head.Append((char)b);
            }
            var length = System.Text.RegularExpressions.Regex.Match(head.ToString(), "Content-Length: ([0-9]+)");
            for (int n = length.Success ? int.Parse(length.Groups[1].Value) : 0; n > 0; n--)
                if (stream.ReadByte() < 0) throw new IOException("closed in the middle of a body");
            return head.ToString();
        }

        /// <summary>What the connection brings until the server closes it (a reset counts as closed too).</summary>
        private static string ReadUntilClosed(Stream stream)
        {
            var rest = new MemoryStream();
            try { stream.CopyTo(rest); }
            catch (IOException e) when (e.InnerException is SocketException s && s.SocketErrorCode == SocketError.ConnectionReset) { }
            return Encoding.ASCII.GetString(rest.ToArray());
        }

        private string Raw(string head, string body = null, bool contentLength = true) => _standin.Raw(head, body, contentLength);
    }
}
