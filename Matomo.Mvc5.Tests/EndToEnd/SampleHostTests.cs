using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>build/lib/sample-host.sh itself: how it chooses its ports.</summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public class SampleHostTests
    {
        [OneTimeTearDown]
        public void Remove() => SampleHost.DeleteRunDirectory();

        [Test]
        public void Host_picks_other_ports_when_the_ones_it_chose_are_taken_before_nginx_binds_them()
        {
            // Two ports of a four-port range are bound (not listening: they look free) by someone else between the
            // host's choice and nginx's bind, the race that choosing a free port early and binding it later loses.
            // The host starts its search at the first of them; it must end up on a port nobody holds.
            int first = FreeRangeStart(4);
            var holders = new List<Socket>();
            try
            {
                foreach (int port in new[] { first, first + 1 })
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    // Without SO_REUSEADDR, which nginx sets: Linux would otherwise let nginx bind it too, as neither listens.
                    socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    holders.Add(socket);
                }
                using (var host = SampleHost.Begin("ports", new Dictionary<string, string>(),
                           "--no-standin", "--port-range", first + "-" + (first + 3), "--port-scan-from", first.ToString()))
                {
                    host.WaitUntilReady(TimeSpan.FromMinutes(3));
                    Assert.That(host.Port, Is.EqualTo(first + 2), host.Output);
                    Assert.That(host.Output, Does.Contain("taken meanwhile"), "nginx was refused the taken ports, and the host chose again");
                    Assert.That(Http.Get(host.Url("/"), out _), Is.EqualTo(HttpStatusCode.OK));
                }
            }
            finally
            {
                foreach (var socket in holders) socket.Dispose();
            }
        }

        /// <summary>The first of <paramref name="count"/> consecutive ports (in 20000-32767) on which nothing listens now.</summary>
        private static int FreeRangeStart(int count)
        {
            var random = new Random();
            for (int attempt = 0; attempt < 100; attempt++)
            {
                int start = random.Next(20000, 32767 - count);
                if (Enumerable.Range(start, count).All(IsFree)) return start;
            }
            throw new InvalidOperationException("no " + count + " consecutive free ports found");
        }

        private static bool IsFree(int port)
        {
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                try { socket.Bind(new IPEndPoint(IPAddress.Loopback, port)); return true; }
                catch (SocketException) { return false; }
            }
        }
    }
}
