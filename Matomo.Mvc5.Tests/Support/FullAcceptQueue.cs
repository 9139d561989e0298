using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Matomo.Mvc5.Tests.Support
{
    /// <summary>
    /// An overloaded Matomo: a loopback listener that never accepts, its queue filled by connections of its own, so
    /// that the kernel drops further SYNs and connects to it stay pending. <see cref="PendingConnects"/> counts, in the
    /// kernel's socket table (Linux' <c>/proc/net/tcp</c>), the connects towards it that others than the fillers have
    /// pending.
    /// </summary>
    public sealed class FullAcceptQueue : IDisposable
    {
        private const string Table = "/proc/net/tcp";
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly TcpClient[] _fillers = new TcpClient[4];
        private readonly int _fillersPending;

        /// <summary>Whether this machine has the socket table the counts are read from.</summary>
        public static bool IsSupported => File.Exists(Table);

        public FullAcceptQueue()
        {
            _listener.Start(1); // the kernel queues two; the other fillers' connects stay pending
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            for (int i = 0; i < _fillers.Length; i++)
            {
                _fillers[i] = new TcpClient();
                _ = _fillers[i].ConnectAsync(IPAddress.Loopback, Port);
            }
            if (!SpinWait.SpinUntil(() => CountPending() == 2, TimeSpan.FromSeconds(3)))
                throw new InvalidOperationException("the accept queue did not fill: " + CountPending() + " pending");
            _fillersPending = 2;
        }

        public int Port { get; }

        public Uri Url => new Uri("http://127.0.0.1:" + Port + "/matomo/");

        /// <summary>Connects towards the listener pending now, the fillers' not counted.</summary>
        public int PendingConnects => CountPending() - _fillersPending;

        /// <summary>Stops listening: the next retransmitted SYN of each pending connect is refused.</summary>
        public void Stop() => _listener.Stop();

        private int CountPending()
        {
            string remote = "0100007F:" + Port.ToString("X4");
            return File.ReadAllLines(Table).Skip(1)
                .Select(line => line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
                .Count(f => f.Length > 3 && f[2] == remote && f[3] == "02"); // 02: SYN_SENT
        }

        public void Dispose()
        {
            _listener.Stop();
            foreach (TcpClient c in _fillers) c?.Close();
        }
    }
}
