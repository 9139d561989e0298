using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Matomo.Mvc5.Proxy;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>The renewed HttpClient: a new one past the lease, the old one disposed only when its last exchange ends.</summary>
    public class LeasedClientTests
    {
        private sealed class CountingHandler : HttpMessageHandler
        {
            public static int Disposed;
            public bool IsDisposed;
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken token) =>
                throw new NotSupportedException();
            protected override void Dispose(bool disposing)
            {
                if (disposing && !IsDisposed)
                {
                    IsDisposed = true;
                    Interlocked.Increment(ref Disposed);
                }
                base.Dispose(disposing);
            }
        }

        private static LeasedClient NewClient() => new LeasedClient(() => new HttpClient(new CountingHandler()));

        private static bool IsDisposed(HttpClient client)
        {
            try
            {
                client.CancelPendingRequests(); // throws once disposed
                return false;
            }
            catch (ObjectDisposedException)
            {
                return true;
            }
        }

        [Test]
        public void Within_the_lease_every_exchange_shares_one_client()
        {
            LeasedClient leased = NewClient();
            LeasedClient.Generation a = leased.Enter(TimeSpan.FromHours(1));
            LeasedClient.Generation b = leased.Enter(TimeSpan.FromHours(1));
            Assert.That(b, Is.SameAs(a));
            a.Exit();
            b.Exit();
            Assert.That(IsDisposed(a.Client), Is.False, "the current client stays");
            Assert.That(leased.Generations, Is.EqualTo(1));
        }

        [Test]
        public void Past_the_lease_a_new_client_serves_and_the_old_one_is_disposed_when_its_last_exchange_ends()
        {
            LeasedClient leased = NewClient();
            LeasedClient.Generation old = leased.Enter(TimeSpan.FromHours(1));
            Thread.Sleep(20);
            LeasedClient.Generation fresh = leased.Enter(TimeSpan.FromMilliseconds(10));
            Assert.That(fresh, Is.Not.SameAs(old));
            Assert.That(leased.Generations, Is.EqualTo(2));
            Assert.That(IsDisposed(old.Client), Is.False, "an exchange still uses it");
            old.Exit();
            Assert.That(IsDisposed(old.Client), Is.True, "its last exchange ended: disposed, its connections closed");
            fresh.Exit();
            Assert.That(IsDisposed(fresh.Client), Is.False);
        }

        [Test]
        public void Under_concurrent_exchanges_no_client_is_disposed_while_in_use_and_every_replaced_one_is()
        {
            LeasedClient leased = NewClient();
            int usedDisposed = 0;
            int before = Volatile.Read(ref CountingHandler.Disposed);
            Parallel.For(0, 8, t =>
            {
                for (int i = 0; i < 2000; i++)
                {
                    LeasedClient.Generation g = leased.Enter(i % 50 == 0 ? TimeSpan.Zero : TimeSpan.FromHours(1));
                    if (IsDisposed(g.Client)) Interlocked.Increment(ref usedDisposed);
                    g.Exit();
                }
            });
            Assert.That(usedDisposed, Is.Zero, "no exchange got a disposed client");
            Assert.That(leased.Generations, Is.GreaterThan(1));
            Assert.That(Volatile.Read(ref CountingHandler.Disposed) - before, Is.EqualTo(leased.Generations - 1), "every replaced client disposed, the current one not");
        }
    }
}
