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

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>Reads and clears what a Matomo stand-in (Matomo.Mvc5.Standin, a process of its own) received.</summary>
    internal sealed class Standin
    {
        /// <summary>For a <see cref="SampleHost"/>'s stand-in.</summary>
        public Standin(SampleHost host) : this(host.StandinUrl) { }

        /// <summary>For the stand-in whose base URL is <paramref name="baseUrl"/> (http://127.0.0.1:PORT/).</summary>
        public Standin(string baseUrl) { BaseUrl = baseUrl; }

        public string BaseUrl { get; }

        public void Clear()
        {
            var status = Http.Send("POST", BaseUrl + "standin/clear", out var body);
            if (status != HttpStatusCode.NoContent) throw new InvalidOperationException("clear: " + status + " " + body);
        }

        public IReadOnlyList<Received> All()
        {
            var status = Http.Get(BaseUrl + "standin/received", out var body);
            if (status != HttpStatusCode.OK) throw new InvalidOperationException("received: " + status + " " + body);
            return JsonSerializer.Deserialize<List<Received>>(body);
        }

        /// <summary>
        /// Polls until the stand-in has received, for <paramref name="page"/>, the page's command queue and its
        /// matomo.php hits, at least <paramref name="hits"/> of them (the browser sends both after matomo.js ran),
        /// then returns everything received.
        /// </summary>
        public IReadOnlyList<Received> WaitForPageView(string page, TimeSpan timeout, int hits = 1) =>
            WaitFor("a command queue and " + hits + " hit(s) for " + page, timeout,
                // The queue's report itself, not just any report of the page (another phase may arrive first).
                all => all.Any(r => r.Kind == "commands" && r.Page == page && r.Phase == "queue") && all.Count(r => r.Kind == "hit" && r.Page == page) >= hits);

        /// <summary>Polls until what the stand-in received satisfies <paramref name="done"/>, then returns it all.</summary>
        public IReadOnlyList<Received> WaitFor(string what, TimeSpan timeout, Func<IReadOnlyList<Received>, bool> done)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var all = All();
                if (done(all)) return all;
                if (clock.Elapsed > timeout)
                    throw new TimeoutException("the stand-in at " + BaseUrl + " received no " + what + " within " + timeout
                                               + "; it has:\n" + string.Join("\n", all));
                Thread.Sleep(100);
            }
        }

        /// <summary>
        /// Sends one request exactly as written (request line and headers; Host and Connection: close are added, and
        /// Content-Length unless <paramref name="contentLength"/> is false) and returns the whole response as text.
        /// </summary>
        public string Raw(string head, string body = null, bool contentLength = true) =>
            Encoding.UTF8.GetString(RawBytes(head, body, contentLength));

        /// <summary>As <see cref="Raw"/>, the response's bytes.</summary>
        public byte[] RawBytes(string head, string body = null, bool contentLength = true)
        {
            var uri = new Uri(BaseUrl);
            using (var client = new TcpClient())
            {
                client.Connect(IPAddress.Loopback, uri.Port);
                client.ReceiveTimeout = 30000;
                var stream = client.GetStream();
                var request = new StringBuilder(head).Append("Host: ").Append(uri.Authority).Append("\r\nConnection: close\r\n");
                if (body != null && contentLength) request.Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n");
                request.Append("\r\n").Append(body ?? "");
                var bytes = Encoding.UTF8.GetBytes(request.ToString());
                stream.Write(bytes, 0, bytes.Length);
                var response = new MemoryStream();
                stream.CopyTo(response);
                if (response.Length == 0) throw new IOException("no answer");
                return response.ToArray();
            }
        }

        /// <summary>The URL of a marker image: the stand-in records a request for it as kind "marker" with these parameters.</summary>
        public string MarkerUrl(string name) => BaseUrl + "standin/marker?name=" + Uri.EscapeDataString(name);

        /// <summary>Waits for the marker named <paramref name="name"/>, then returns everything received before it, markers aside.</summary>
        public IReadOnlyList<Received> UpToMarker(string name, TimeSpan timeout)
        {
            var all = WaitFor("the marker " + name, timeout,
                received => received.Any(r => r.Kind == "marker" && r.Parameters != null && r.Parameters.TryGetValue("name", out var n) && n == name));
            var marker = all.First(r => r.Kind == "marker" && r.Parameters["name"] == name);
            return all.Where(r => r.Id < marker.Id && r.Kind != "marker").ToList();
        }
    }
}
