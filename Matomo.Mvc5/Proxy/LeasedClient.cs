using System;
using System.Net.Http;
using System.Threading;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// An HttpClient replaced by a new one (a new handler, so new connections and a new DNS lookup) once it is older
    /// than the lease a caller asks with; the old one is disposed when the last exchange that uses it ends, which
    /// closes its connections. The lease of <c>UpstreamClient</c>: Mono ignores <c>ServicePoint.ConnectionLeaseTimeout</c>,
    /// and its <c>HttpClientHandler</c> keeps its connections in a group of its own that its disposal closes.
    /// </summary>
    internal sealed class LeasedClient
    {
        /// <summary>One HttpClient and the exchanges that use it.</summary>
        internal sealed class Generation
        {
            private int _users = 1; // the LeasedClient's own reference, dropped when the generation is replaced

            public Generation(HttpClient client, DateTime born)
            {
                Client = client;
                Born = born;
            }

            public HttpClient Client { get; }

            public DateTime Born { get; }

            /// <summary>Counts one more exchange on it; false once it is disposed (or about to be).</summary>
            public bool TryEnter()
            {
                while (true)
                {
                    int users = Volatile.Read(ref _users);
                    if (users == 0) return false;
                    if (Interlocked.CompareExchange(ref _users, users + 1, users) == users) return true;
                }
            }

            /// <summary>One exchange (or the owner's reference) less; the last one disposes the client.</summary>
            public void Exit()
            {
                if (Interlocked.Decrement(ref _users) == 0) Client.Dispose();
            }
        }

        private readonly Func<HttpClient> _create;
        private readonly object _gate = new object();
        private Generation _current;
        private int _generations;

        public LeasedClient(Func<HttpClient> create)
        {
            _create = create;
            _current = new Generation(create(), DateTime.UtcNow);
            _generations = 1;
        }

        /// <summary>How many clients were made so far (tests read it).</summary>
        public int Generations => Volatile.Read(ref _generations);

        /// <summary>
        /// The client to send one exchange with, entered (call <see cref="Generation.Exit"/> when the exchange ends):
        /// a new one when the current one is <paramref name="lease"/> old or more (a negative lease never ends).
        /// </summary>
        public Generation Enter(TimeSpan lease)
        {
            while (true)
            {
                Generation current = Volatile.Read(ref _current);
                if (lease >= TimeSpan.Zero && DateTime.UtcNow - current.Born >= lease)
                {
                    lock (_gate)
                    {
                        if (ReferenceEquals(_current, current))
                        {
                            Volatile.Write(ref _current, new Generation(_create(), DateTime.UtcNow));
                            Interlocked.Increment(ref _generations);
                            current.Exit();
                        }
                        current = _current; // the new one, not judged again: a lease of zero renews once per exchange
                    }
                }
                if (current.TryEnter()) return current;
                // Replaced and disposed since it was read: read the current one again.
            }
        }
    }
}
