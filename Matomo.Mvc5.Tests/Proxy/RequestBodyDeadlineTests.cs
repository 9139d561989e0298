using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Tests.Proxy.ProxyFixture;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>
    /// A browser that sends its POST body slowly, over a real loopback socket: the proxy stops reading at the body
    /// deadline (the whole body, not each read), answers 408, closes the stream, and forwards nothing. Bounds are the
    /// deadline plus a generous margin for a shared machine; no speed is asserted beyond that.
    /// </summary>
    public class RequestBodyDeadlineTests
    {
        private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

        private LoopbackUpstream _upstream;
        private TcpListener _listener;
        private TcpClient _browser;
        private TcpClient _server;

        [SetUp]
        public void SetUp()
        {
            _upstream = new LoopbackUpstream(r => new UpstreamReply { Status = 204 });
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _browser = new TcpClient();
            _browser.Connect(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port);
            _browser.NoDelay = true;
            _server = _listener.AcceptTcpClient();
        }

        [TearDown]
        public void TearDown()
        {
            _browser.Close();
            _server.Close();
            _listener.Stop();
            _upstream.Dispose();
        }

        /// <summary>The proxy's request whose body is the server side of the socket the browser writes to.</summary>
        private ProxyRequest SocketPost(long declaredLength)
        {
            ProxyRequest request = Post("matomo.php", "", "");
            request.Body = _server.GetStream();
            request.ContentLength = declaredLength;
            return request;
        }

        /// <summary>Writes <paramref name="body"/> a byte at a time, <paramref name="pause"/> apart; true when the proxy closed the connection.</summary>
        private Task<bool> Trickle(byte[] body, TimeSpan pause, bool close) => Task.Run(async () =>
        {
            try
            {
                NetworkStream stream = _browser.GetStream();
                foreach (byte b in body)
                {
                    stream.Write(new[] { b }, 0, 1);
                    await Task.Delay(pause).ConfigureAwait(false);
                }
                if (close) _browser.Client.Shutdown(SocketShutdown.Send);
                return false;
            }
            catch (Exception e) when (e is IOException || e is SocketException || e is ObjectDisposedException)
            {
                return true;
            }
        });

        [TestCase(1000, TestName = "Trickled body of declared length")]
        [TestCase(-1, TestName = "Trickled chunked body")]
        public void A_browser_that_trickles_its_body_gets_408_at_the_deadline_and_nothing_is_forwarded(long declared)
        {
            TrackerProxy proxy = NewProxy(_upstream.Url, o => o.RequestBodyTimeout = Deadline);
            // 1,000 bytes, one every 100 ms: 100 s if the proxy waited for all of it.
            Task<bool> trickle = Trickle(Encoding.ASCII.GetBytes(new string('a', 1000)), TimeSpan.FromMilliseconds(100), close: true);
            var watch = Stopwatch.StartNew();
            Task<ProxyResponse> answer = Task.Run(() => proxy.HandleAsync(SocketPost(declared)));
            Assert.That(answer.Wait(Deadline + Margin), Is.True, "answered at the deadline, not when the body is complete");
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(Deadline - TimeSpan.FromMilliseconds(50)), "not before the deadline");
            Assert.That(answer.Result.Status, Is.EqualTo(408));
            Assert.That(answer.Result.Header("Cache-Control"), Is.EqualTo("no-store"));
            Assert.That(trickle.Wait(Margin), Is.True, "the browser's connection was closed: the read does not go on");
            Assert.That(trickle.Result, Is.True, "the proxy closed the connection under the browser");
            Assert.That(_upstream.Received, Is.Empty, "nothing reached Matomo");
            Assert.That(proxy.Forwarding, Is.Zero, "no slot was taken");
        }

        [Test]
        public void A_body_that_arrives_slowly_but_within_the_deadline_is_forwarded()
        {
            TrackerProxy proxy = NewProxy(_upstream.Url, o => o.RequestBodyTimeout = Deadline + Margin);
            byte[] body = Encoding.ASCII.GetBytes("idsite=4&rec=1&send_image=0&action_name=Slow");
            Task<bool> trickle = Trickle(body, TimeSpan.FromMilliseconds(20), close: false);
            ProxyResponse r = proxy.Run(SocketPost(body.Length));
            Assert.That(trickle.Result, Is.False);
            Assert.That(r.Status, Is.EqualTo(204));
            Assert.That(_upstream.Single().Body, Does.StartWith("idsite=4&rec=1&send_image=0&action_name=Slow"));
        }

        [Test]
        public void A_browser_that_goes_away_in_the_middle_of_its_body_gets_400_and_nothing_is_forwarded()
        {
            TrackerProxy proxy = NewProxy(_upstream.Url, o => o.RequestBodyTimeout = Deadline + Margin);
            _browser.GetStream().Write(Encoding.ASCII.GetBytes("idsite=4&re"), 0, 11);
            _browser.Client.LingerState = new LingerOption(true, 0);
            _browser.Close(); // a reset
            Task<ProxyResponse> answer = Task.Run(() => proxy.HandleAsync(SocketPost(1000)));
            Assert.That(answer.Wait(Margin), Is.True);
            Assert.That(answer.Result.Status, Is.EqualTo(400));
            Assert.That(answer.Result.BodyText(), Is.EqualTo("Request body incomplete"));
            Assert.That(_upstream.Received, Is.Empty, "half a hit is not forwarded");
        }
    }
}
