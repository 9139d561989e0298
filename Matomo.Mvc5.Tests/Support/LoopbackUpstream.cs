using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Matomo.Mvc5.Standin.Http;

namespace Matomo.Mvc5.Tests.Support
{
    /// <summary>One request that reached the <see cref="LoopbackUpstream"/>.</summary>
    public sealed class UpstreamRequest
    {
        public string Method { get; set; }
        /// <summary>Path and query as sent on the request line.</summary>
        public string Target { get; set; }
        public List<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();
        public string Body { get; set; }

        public string Path => Target.Split('?')[0];
        public string Query => Target.Contains("?") ? Target.Substring(Target.IndexOf('?') + 1) : "";

        public string Header(string name) =>
            Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

        /// <summary>
        /// The decoded parameters as Matomo reads them, <c>$_GET + $_POST</c>: the query's, then a form body's
        /// (<c>application/x-www-form-urlencoded</c>) for names the query lacks (last one of a name wins in each).
        /// </summary>
        public IDictionary<string, string> Parameters
        {
            get
            {
                IDictionary<string, string> read = QueryParameters;
                if (Body == null || !(Header("Content-Type") ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)) return read;
                foreach (var p in Decode(Body))
                    if (!read.ContainsKey(p.Key)) read[p.Key] = p.Value;
                return read;
            }
        }

        /// <summary>The decoded query parameters alone (last one of a name wins).</summary>
        public IDictionary<string, string> QueryParameters => Decode(Query);

        public static IDictionary<string, string> Decode(string form)
        {
            var result = new Dictionary<string, string>();
            foreach (string pair in form.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string name = Uri.UnescapeDataString((eq < 0 ? pair : pair.Substring(0, eq)).Replace('+', ' '));
                result[name] = eq < 0 ? "" : Uri.UnescapeDataString(pair.Substring(eq + 1).Replace('+', ' '));
            }
            return result;
        }
    }

    /// <summary>What the upstream does with a request.</summary>
    public sealed class UpstreamReply
    {
        public int Status { get; set; } = 200;
        public List<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();
        public byte[] Body { get; set; } = new byte[0];
        /// <summary>Wait this long before answering.</summary>
        public TimeSpan Delay { get; set; }
        /// <summary>Never answer (until the upstream is disposed).</summary>
        public bool Hang { get; set; }
        /// <summary>Answer with a TCP reset instead of a response.</summary>
        public bool Reset { get; set; }
        /// <summary>Send the headers, then stop sending the body half-way (and hang).</summary>
        public bool HangInBody { get; set; }
        /// <summary>Send the body chunked (<c>Transfer-Encoding: chunked</c>, 1,000-byte chunks) instead of with a Content-Length.</summary>
        public bool Chunked { get; set; }

        public UpstreamReply With(string name, string value)
        {
            Headers.Add(new KeyValuePair<string, string>(name, value));
            return this;
        }

        public static UpstreamReply Text(int status, string body, string contentType = "text/plain") =>
            new UpstreamReply { Status = status, Body = Encoding.UTF8.GetBytes(body) }.With("Content-Type", contentType);
    }

    /// <summary>
    /// A raw HTTP/1.1 server on a loopback port, started in-process as Matomo's stand-in for the proxy tests: records
    /// every request and answers as told, including hangs and TCP resets that a real server would not produce on
    /// demand. Keep-alive, Content-Length bodies.
    /// </summary>
    public sealed class LoopbackUpstream : IDisposable
    {
        /// <summary>The longest request or header line read.</summary>
        private const int MaxLine = 65536;

        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly ConcurrentBag<TcpClient> _clients = new ConcurrentBag<TcpClient>();
        private int _connections;
        private int _open;
        private int _maxOpen;

        public LoopbackUpstream(Func<UpstreamRequest, UpstreamReply> reply = null)
        {
            Reply = reply ?? (r => UpstreamReply.Text(200, "ok"));
            _listener.Start(1024);
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            Task.Run(AcceptLoop);
        }

        public int Port { get; }
        public Uri Url => new Uri("http://127.0.0.1:" + Port + "/matomo/");
        public Func<UpstreamRequest, UpstreamReply> Reply { get; set; }
        public ConcurrentQueue<UpstreamRequest> Received { get; } = new ConcurrentQueue<UpstreamRequest>();
        public int Connections => Volatile.Read(ref _connections);

        /// <summary>Connections open now: accepted and not yet closed by either side (a hanging reply notices the peer closing).</summary>
        public int Open => Volatile.Read(ref _open);

        /// <summary>The most connections that were open at once.</summary>
        public int MaxOpen => Volatile.Read(ref _maxOpen);

        /// <summary>A loopback URL on which nothing listens (connection refused).</summary>
        public static Uri Refusing()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return new Uri("http://127.0.0.1:" + port + "/matomo/");
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false); }
                catch (Exception) { return; }
                Interlocked.Increment(ref _connections);
                int open = Interlocked.Increment(ref _open);
                int max;
                while (open > (max = Volatile.Read(ref _maxOpen)) && Interlocked.CompareExchange(ref _maxOpen, open, max) != max) { }
                _clients.Add(client);
                _ = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(TcpClient client)
        {
            try
            {
                client.NoDelay = true;
                NetworkStream stream = client.GetStream();
                var reader = new ConnectionReader(stream); // the stand-in's own reader of HTTP/1.1 lines and bodies
                while (!_stop.IsCancellationRequested)
                {
                    string requestLine = await reader.ReadLine(MaxLine).ConfigureAwait(false);
                    if (string.IsNullOrEmpty(requestLine)) return;
                    string[] parts = requestLine.Split(' ');
                    var request = new UpstreamRequest { Method = parts[0], Target = parts.Length > 1 ? parts[1] : "" };
                    string line;
                    while (!string.IsNullOrEmpty(line = await reader.ReadLine(MaxLine).ConfigureAwait(false)))
                    {
                        int colon = line.IndexOf(':');
                        request.Headers.Add(new KeyValuePair<string, string>(line.Substring(0, colon).Trim(), line.Substring(colon + 1).Trim()));
                    }
                    int length = int.TryParse(request.Header("Content-Length"), out int n) ? n : 0;
                    request.Body = Encoding.UTF8.GetString((await reader.ReadExactly(length).ConfigureAwait(false) ?? throw new EndOfStreamException()));
                    Received.Enqueue(request);

                    UpstreamReply reply = Reply(request);
                    if (reply.Delay > TimeSpan.Zero)
                    {
                        Task delay = Task.Delay(reply.Delay, _stop.Token);
                        if (await Task.WhenAny(delay, UntilPeerCloses(stream)).ConfigureAwait(false) != delay) return; // the peer gave up
                        await delay.ConfigureAwait(false);
                    }
                    if (reply.Hang)
                    {
                        await UntilPeerCloses(stream).ConfigureAwait(false);
                        return;
                    }
                    if (reply.Reset)
                    {
                        client.Client.LingerState = new LingerOption(true, 0);
                        client.Client.Close();
                        return;
                    }
                    var head = new StringBuilder();
                    head.Append("HTTP/1.1 ").Append(reply.Status).Append(" X\r\n");
                    foreach (var h in reply.Headers) head.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
                    head.Append(reply.Chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + reply.Body.Length).Append("\r\n\r\n");
                    byte[] headBytes = Encoding.GetEncoding("ISO-8859-1").GetBytes(head.ToString());
                    await stream.WriteAsync(headBytes, 0, headBytes.Length).ConfigureAwait(false);
                    if (reply.Chunked)
                    {
                        for (int at = 0; at < reply.Body.Length; at += 1000)
                        {
                            int size = Math.Min(1000, reply.Body.Length - at);
                            byte[] sizeLine = Encoding.ASCII.GetBytes(size.ToString("x") + "\r\n");
                            await stream.WriteAsync(sizeLine, 0, sizeLine.Length).ConfigureAwait(false);
                            await stream.WriteAsync(reply.Body, at, size).ConfigureAwait(false);
                            await stream.WriteAsync(new byte[] { 13, 10 }, 0, 2).ConfigureAwait(false);
                        }
                        byte[] last = Encoding.ASCII.GetBytes("0\r\n\r\n");
                        await stream.WriteAsync(last, 0, last.Length).ConfigureAwait(false);
                        continue;
                    }
                    if (reply.HangInBody)
                    {
                        await stream.WriteAsync(reply.Body, 0, reply.Body.Length / 2).ConfigureAwait(false);
                        await UntilPeerCloses(stream).ConfigureAwait(false);
                        return;
                    }
                    await stream.WriteAsync(reply.Body, 0, reply.Body.Length).ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // the client went away, or the upstream stops
            }
            finally
            {
                client.Close();
                Interlocked.Decrement(ref _open);
            }
        }

        /// <summary>
        /// Hangs (sends nothing) until the peer closes or resets the connection, or the upstream stops: what a hanging
        /// server's socket sees, so that <see cref="Open"/> counts the exchanges the client really still has open.
        /// </summary>
        private async Task UntilPeerCloses(NetworkStream stream)
        {
            var scratch = new byte[256];
            Task stopped = Task.Delay(Timeout.Infinite, _stop.Token);
            while (true)
            {
                Task<int> read = stream.ReadAsync(scratch, 0, scratch.Length);
                if (await Task.WhenAny(read, stopped).ConfigureAwait(false) == stopped) return;
                if (await read.ConfigureAwait(false) == 0) return; // closed; a reset throws, which ends the connection too
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            foreach (TcpClient c in _clients) c.Close();
        }
    }
}
