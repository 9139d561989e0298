using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;

namespace Matomo.Mvc5.Standin.Http
{
    /// <summary>
    /// A small HTTP/1.1 server on a TCP socket, so that the stand-in sees requests as sent (no URL normalisation,
    /// headers as they came) and can misbehave on purpose (reset a connection). Keep-alive, Content-Length and chunked
    /// bodies, "Expect: 100-continue". Binding port 0 lets the kernel choose a free port: no race between choosing a
    /// port and binding it.
    /// </summary>
    internal sealed class HttpServer
    {
        public const int MaxHeaderBytes = 64 * 1024;
        public const int MaxBodyBytes = 8 * 1024 * 1024;

        private readonly IPAddress _address;
        private readonly Func<HttpRequest, Task<HttpResponse>> _handler;
        private readonly ConcurrentDictionary<TcpClient, bool> _connections = new ConcurrentDictionary<TcpClient, bool>();
        private readonly object _gate = new object();
        private TcpListener _listener; // null while refusing
        private int _port;

        public HttpServer(IPAddress address, int port, Func<HttpRequest, Task<HttpResponse>> handler)
        {
            _address = address;
            _port = port;
            _handler = handler;
        }

        /// <summary>Binds (throws SocketException when the port is taken) and starts accepting connections.</summary>
        public int Start()
        {
            var listener = new TcpListener(_address, _port);
            listener.Start(512);
            _port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (_gate) _listener = listener;
            Task.Run(() => AcceptLoop(listener));
            return _port;
        }

        /// <summary>
        /// Plays a server that is down: stops listening (a connection attempt is refused by the kernel: RST,
        /// ECONNREFUSED) and closes every open connection, then after <paramref name="duration"/> listens again on the
        /// same port and calls <paramref name="back"/>. Does nothing while already refusing.
        /// </summary>
        public void Refuse(TimeSpan duration, Action back)
        {
            TcpListener listener;
            lock (_gate)
            {
                listener = _listener;
                if (listener == null) return;
                _listener = null;
            }
            listener.Stop();
            foreach (var client in _connections.Keys)
                try { client.Client.Close(); } catch (ObjectDisposedException) { }
            Task.Run(async () =>
            {
                await Task.Delay(duration).ConfigureAwait(false);
                while (true)
                {
                    var again = new TcpListener(_address, _port);
                    // Connections this server accepted may linger in TIME_WAIT on the port; a listener still bound
                    // to it (another process) refuses the bind all the same.
                    again.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                    try { again.Start(512); }
                    catch (SocketException e)
                    {
                        Console.Error.WriteLine("Matomo.Mvc5.Standin: cannot listen again on port " + _port + ": " + e.Message + "; trying again");
                        await Task.Delay(100).ConfigureAwait(false);
                        continue;
                    }
                    lock (_gate) _listener = again;
                    back();
                    await AcceptLoop(again).ConfigureAwait(false);
                    return;
                }
            });
        }

        private async Task AcceptLoop(TcpListener listener)
        {
            while (true)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync().ConfigureAwait(false); }
                catch (Exception e) when (e is ObjectDisposedException || e is SocketException || e is InvalidOperationException)
                {
                    lock (_gate) if (_listener != listener) return; // stopped: refusing
                    continue;
                }
                var _ = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(TcpClient client)
        {
            using (client)
            {
                _connections[client] = true;
                client.NoDelay = true;
                string remote = ((IPEndPoint)client.Client.RemoteEndPoint).Address.ToString();
                var stream = client.GetStream();
                var reader = new ConnectionReader(stream);
                try
                {
                    while (true)
                    {
                        var outcome = await ReadRequest(reader, stream, remote).ConfigureAwait(false);
                        if (outcome.Request == null)
                        {
                            if (outcome.Error != null) await Write(stream, outcome.Error, null, close: true).ConfigureAwait(false);
                            return;
                        }
                        HttpResponse response;
                        try { response = await _handler(outcome.Request).ConfigureAwait(false); }
                        catch (Exception e) { response = HttpResponse.Text(500, "stand-in error: " + e.GetType().Name + ": " + e.Message); }
                        if (response.Reset)
                        {
                            client.Client.LingerState = new LingerOption(true, 0);
                            client.Client.Close();
                            return;
                        }
                        bool close = outcome.Request.WantsClose || response.After != null;
                        if (response.After != null)
                        {
                            // Before the answer, so that a client that has it finds the server as the answer says;
                            // this connection is spared until then.
                            _connections.TryRemove(client, out _);
                            response.After(this);
                        }
                        await Write(stream, response, outcome.Request.Method, close).ConfigureAwait(false);
                        if (close) return;
                    }
                }
                catch (IOException) { }
                catch (SocketException) { }
                catch (ObjectDisposedException) { }
                finally { _connections.TryRemove(client, out _); }
            }
        }

        private struct Outcome
        {
            public HttpRequest Request;
            public HttpResponse Error;
        }

        private static async Task<Outcome> ReadRequest(ConnectionReader reader, Stream stream, string remote)
        {
            string line;
            do { line = await reader.ReadLine(MaxHeaderBytes).ConfigureAwait(false); } while (line == ""); // tolerate stray CRLFs
            if (line == null) return default(Outcome);
            var parts = line.Split(' ');
            if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
                return new Outcome { Error = HttpResponse.Text(400, "bad request line") };

            var headers = new List<KeyValuePair<string, string>>();
            int total = line.Length;
            while (true)
            {
                var header = await reader.ReadLine(MaxHeaderBytes).ConfigureAwait(false);
                if (header == null) return default(Outcome);
                if (header.Length == 0) break;
                total += header.Length;
                if (total > MaxHeaderBytes) return new Outcome { Error = HttpResponse.Text(431, "headers too large") };
                int colon = header.IndexOf(':');
                if (colon <= 0) return new Outcome { Error = HttpResponse.Text(400, "bad header line") };
                headers.Add(new KeyValuePair<string, string>(header.Substring(0, colon), header.Substring(colon + 1).Trim()));
            }
            var request = new HttpRequest(parts[0], parts[1], parts[2], headers, new byte[0], remote);

            if (string.Equals(request.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
            {
                var cont = Encoding.ASCII.GetBytes(parts[2] + " 100 Continue\r\n\r\n");
                await stream.WriteAsync(cont, 0, cont.Length).ConfigureAwait(false);
            }

            byte[] body;
            var encoding = request.Header("Transfer-Encoding");
            if (encoding != null && encoding.IndexOf("chunked", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                var buffer = new MemoryStream();
                while (true)
                {
                    var size = await reader.ReadLine(1024).ConfigureAwait(false);
                    if (size == null) return default(Outcome);
                    int semicolon = size.IndexOf(';');
                    if (semicolon >= 0) size = size.Substring(0, semicolon);
                    if (!int.TryParse(size.Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int n) || n < 0)
                        return new Outcome { Error = HttpResponse.Text(400, "bad chunk size") };
                    if (n == 0)
                    {
                        while (!string.IsNullOrEmpty(await reader.ReadLine(MaxHeaderBytes).ConfigureAwait(false))) { } // trailers
                        break;
                    }
                    if (buffer.Length + n > MaxBodyBytes) return new Outcome { Error = HttpResponse.Text(413, "body too large") };
                    var chunk = await reader.ReadExactly(n).ConfigureAwait(false);
                    if (chunk == null) return default(Outcome);
                    buffer.Write(chunk, 0, n);
                    await reader.ReadLine(2).ConfigureAwait(false);
                }
                body = buffer.ToArray();
            }
            else
            {
                var length = request.Header("Content-Length");
                long n = 0;
                if (length != null && (!long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out n)))
                    return new Outcome { Error = HttpResponse.Text(400, "bad Content-Length") };
                if (n > MaxBodyBytes) return new Outcome { Error = HttpResponse.Text(413, "body too large") };
                body = n == 0 ? new byte[0] : await reader.ReadExactly((int)n).ConfigureAwait(false);
                if (body == null) return default(Outcome);
            }
            return new Outcome { Request = new HttpRequest(parts[0], parts[1], parts[2], headers, body, remote) };
        }

        private static async Task Write(Stream stream, HttpResponse response, string method, bool close)
        {
            var head = new StringBuilder();
            head.Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(HttpResponse.Reason(response.Status)).Append("\r\n");
            head.Append("Date: ").Append(DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
            head.Append("Server: Matomo.Mvc5.Standin\r\n");
            foreach (var h in response.Headers) head.Append(h.Key).Append(": ").Append(h.Value).Append("\r\n");
            bool noBody = response.Status == 204 || response.Status == 304 || response.Status < 200;
            if (!noBody) head.Append("Content-Length: ").Append(response.Body.Length).Append("\r\n");
            if (close) head.Append("Connection: close\r\n");
            head.Append("\r\n");
            var bytes = Encoding.ASCII.GetBytes(head.ToString());
            await stream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            if (!noBody && method != "HEAD") await stream.WriteAsync(response.Body, 0, response.Body.Length).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
        }
    }
}
