using System;
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

        private readonly TcpListener _listener;
        private readonly Func<HttpRequest, Task<HttpResponse>> _handler;

        public HttpServer(IPAddress address, int port, Func<HttpRequest, Task<HttpResponse>> handler)
        {
            _listener = new TcpListener(address, port);
            _handler = handler;
        }

        /// <summary>Binds (throws SocketException when the port is taken) and starts accepting connections.</summary>
        public int Start()
        {
            _listener.Start(512);
            Task.Run(AcceptLoop);
            return ((IPEndPoint)_listener.LocalEndpoint).Port;
        }

        private async Task AcceptLoop()
        {
            while (true)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false); }
                catch (ObjectDisposedException) { return; }
                catch (SocketException) { continue; }
                var _ = Task.Run(() => Serve(client));
            }
        }

        private async Task Serve(TcpClient client)
        {
            using (client)
            {
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
                        bool close = outcome.Request.WantsClose;
                        await Write(stream, response, outcome.Request.Method, close).ConfigureAwait(false);
                        if (close) return;
                    }
                }
                catch (IOException) { }
                catch (SocketException) { }
                catch (ObjectDisposedException) { }
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
