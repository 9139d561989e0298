using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// The HttpClient through which the tracker proxy talks to Matomo: no cookies of its own, no redirects followed,
    /// never through the machine's proxy, connections renewed each lease, and every exchange (headers and body)
    /// bounded by a deadline that holds even if the platform's handler ignores cancellation. Faults come back as
    /// <see cref="UpstreamFault"/>, never carrying the URL.
    /// </summary>
    internal static class UpstreamClient
    {
        /// <summary>The client, replaced each lease (see <see cref="LeasedClient"/>).</summary>
        internal static readonly LeasedClient Client = new LeasedClient(() => new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            // Straight to Matomo, never through the machine's proxy, which would see the token and every visitor's
            // address. Explicit: .NET Framework's default (UseProxy with no Proxy) is the system proxy (WebRequest.
            // DefaultWebProxy, Internet Settings), while Mono's HttpClientHandler already sends such requests direct.
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        })
        { Timeout = System.Threading.Timeout.InfiniteTimeSpan });

        /// <summary>
        /// Sets <paramref name="upstream"/>'s <c>ServicePoint</c>, which every <c>HttpWebRequest</c> of the process to
        /// that host shares: many requests at once (at least 1,024; the .NET Framework default outside ASP.NET is two),
        /// POST bodies sent without waiting for <c>100 Continue</c>, no Nagle delay, and connections closed after
        /// <paramref name="lease"/> (DNS changes are then picked up under steady traffic).
        /// </summary>
        public static void Prepare(Uri upstream, TimeSpan lease)
        {
            ServicePoint point = ServicePointManager.FindServicePoint(upstream);
            point.ConnectionLimit = Math.Max(point.ConnectionLimit, 1024);
            point.Expect100Continue = false;
            point.UseNagleAlgorithm = false;
            point.ConnectionLeaseTimeout = lease < TimeSpan.Zero ? System.Threading.Timeout.Infinite : (int)Math.Min(int.MaxValue, lease.TotalMilliseconds);
        }

        /// <summary>
        /// Sends <paramref name="request"/>; the answer within <paramref name="timeout"/>, or an <see cref="UpstreamFault"/>
        /// (after a timeout, with <see cref="UpstreamFault.StillOpen"/>: the exchange may outlive the deadline). On a
        /// connection no older than <paramref name="lease"/> where the platform lets the client say so (Mono).
        /// </summary>
        public static async Task<UpstreamResponse> SendAsync(HttpRequestMessage request, TimeSpan timeout, int maxBodyBytes, TimeSpan lease)
        {
            var cts = new CancellationTokenSource();
            Task<UpstreamResponse> exchange = ExchangeAsync(Client.Enter(lease), request, maxBodyBytes, cts.Token);
            Task deadline = Task.Delay(timeout, cts.Token);
            Task first = await Task.WhenAny(exchange, deadline).ConfigureAwait(false);
            cts.Cancel();
            if (first != exchange)
            {
                // The cancellation above aborts the exchange where the platform can; where it cannot (Mono goes on with
                // a connect in progress until the kernel gives up), it goes on. The fault hands the caller its end, so
                // that what the exchange holds (a socket towards Matomo) is counted until it is really gone.
                Task ended = exchange.ContinueWith(t => { _ = t.Exception; request.Dispose(); cts.Dispose(); },
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw new UpstreamFault(UpstreamFault.Kinds.Timeout, null, ended);
            }
            try
            {
                return await exchange.ConfigureAwait(false);
            }
            catch (UpstreamFault)
            {
                throw;
            }
            catch (Exception e) when (e is HttpRequestException || e is IOException || e is WebException || e is OperationCanceledException
                                      || e is ObjectDisposedException || e is System.Net.Sockets.SocketException)
            {
                throw new UpstreamFault(UpstreamFault.Kinds.Network, e.GetType().Name);
            }
            finally
            {
                request.Dispose();
                cts.Dispose();
            }
        }

        /// <summary>The exchange on <paramref name="client"/>, which it leaves when it ends, however it ends.</summary>
        private static async Task<UpstreamResponse> ExchangeAsync(LeasedClient.Generation client, HttpRequestMessage request, int maxBodyBytes, CancellationToken token)
        {
            try
            {
                return await ExchangeAsync(client.Client, request, maxBodyBytes, token).ConfigureAwait(false);
            }
            finally
            {
                client.Exit();
            }
        }

        private static async Task<UpstreamResponse> ExchangeAsync(HttpClient client, HttpRequestMessage request, int maxBodyBytes, CancellationToken token)
        {
            using (HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false))
            using (token.Register(response.Dispose))
            {
                var result = new UpstreamResponse { Status = (int)response.StatusCode };
                Collect(result.Headers, response.Headers);
                if (response.Content != null) Collect(result.Headers, response.Content.Headers);
                long? declared = response.Content?.Headers.ContentLength;
                if (declared > maxBodyBytes) throw new UpstreamFault(UpstreamFault.Kinds.TooLarge, null);
                if (response.Content == null || declared == 0 || result.Status == 204 || result.Status == 304)
                {
                    // No body to read (Matomo's usual answer to a tracking request is 204): nothing more to wait for.
                    result.Body = NoBody;
                    return result;
                }
                using (Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
                {
                    result.Body = declared.HasValue
                        ? await ReadDeclaredAsync(body, (int)declared.Value, token).ConfigureAwait(false)
                        : await ReadCappedAsync(body, maxBodyBytes, token).ConfigureAwait(false);
                }
                return result;
            }
        }

        private static readonly byte[] NoBody = new byte[0];

        /// <summary>A body of declared length: into one array of that size (shorter if the stream ends early).</summary>
        private static async Task<byte[]> ReadDeclaredAsync(Stream body, int length, CancellationToken token)
        {
            var buffer = new byte[length];
            int total = 0, read;
            while (total < length && (read = await body.ReadAsync(buffer, total, length - total, token).ConfigureAwait(false)) > 0) total += read;
            if (total < length) Array.Resize(ref buffer, total);
            return buffer;
        }

        /// <summary>A body of unknown length (chunked), at most <paramref name="max"/> bytes, else <see cref="UpstreamFault.Kinds.TooLarge"/>.</summary>
        private static async Task<byte[]> ReadCappedAsync(Stream body, int max, CancellationToken token)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[4096];
            int read;
            while ((read = await body.ReadAsync(chunk, 0, chunk.Length, token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max) throw new UpstreamFault(UpstreamFault.Kinds.TooLarge, null);
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }

        private static void Collect(List<KeyValuePair<string, string>> into, System.Net.Http.Headers.HttpHeaders headers)
        {
            foreach (KeyValuePair<string, IEnumerable<string>> h in headers)
                foreach (string value in h.Value)
                    into.Add(new KeyValuePair<string, string>(h.Key, value));
        }
    }
}
