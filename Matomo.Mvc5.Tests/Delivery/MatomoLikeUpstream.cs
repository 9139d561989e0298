using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using Matomo.Mvc5.Tests.Support;

namespace Matomo.Mvc5.Tests.Delivery
{
    /// <summary>
    /// A loopback server (<see cref="LoopbackUpstream"/>, real sockets) that answers bulk tracking requests as Matomo
    /// does: <c>{"status":"success","tracked":N,"invalid":M}</c>, a hit being invalid when <see cref="IsInvalid"/> says
    /// so; 400 for the whole batch when one of its hits satisfies <see cref="RefusesBatch"/> (Matomo without a token
    /// stops at the first bad request). Its <see cref="Mode"/> makes it fail on purpose. Records what it tracked.
    /// </summary>
    public sealed class MatomoLikeUpstream : IDisposable
    {
        public enum Fault { None, Status503, Status500, Hang, Reset, TrackThenReset }

        private readonly LoopbackUpstream _server;
        private int _attempts;

        public MatomoLikeUpstream()
        {
            _server = new LoopbackUpstream(Answer);
        }

        public Uri Endpoint => new Uri(_server.Url, "matomo.php");
        public volatile Fault Mode;
        public Func<IDictionary<string, string>, bool> IsInvalid = _ => false;
        public Func<IDictionary<string, string>, bool> RefusesBatch = _ => false;
        /// <summary>Whether answers name the invalid entries (<c>invalid_indices</c>), as Matomo does for a super user's token.</summary>
        public volatile bool GivesIndices;

        /// <summary>Every request as received (also those answered with a failure).</summary>
        public ConcurrentQueue<UpstreamRequest> Received => _server.Received;

        /// <summary>Bulk requests answered 200, in order: the entries of each, parsed.</summary>
        public ConcurrentQueue<IReadOnlyList<IDictionary<string, string>>> Tracked { get; } = new ConcurrentQueue<IReadOnlyList<IDictionary<string, string>>>();

        /// <summary>Requests that reached the server, answered or not.</summary>
        public int Attempts => Volatile.Read(ref _attempts);

        /// <summary>Every tracked entry (answered 200 and not invalid), in the order received.</summary>
        public List<IDictionary<string, string>> TrackedHits() =>
            Tracked.SelectMany(b => b).Where(h => !IsInvalid(h)).ToList();

        public static (List<string> Requests, string Token) Parse(string body)
        {
            using (JsonDocument doc = JsonDocument.Parse(body))
            {
                var requests = doc.RootElement.GetProperty("requests").EnumerateArray().Select(e => e.GetString()).ToList();
                string token = doc.RootElement.TryGetProperty("token_auth", out JsonElement t) ? t.GetString() : null;
                return (requests, token);
            }
        }

        private UpstreamReply Answer(UpstreamRequest request)
        {
            Interlocked.Increment(ref _attempts);
            switch (Mode)
            {
                case Fault.Status503: return UpstreamReply.Text(503, "down");
                case Fault.Status500: return UpstreamReply.Text(500, "error");
                case Fault.Hang: return new UpstreamReply { Hang = true };
                case Fault.Reset: return new UpstreamReply { Reset = true };
            }
            var entries = Parse(request.Body).Requests.Select(r => UpstreamRequest.Decode(r.TrimStart('?'))).ToList();
            if (entries.Any(RefusesBatch)) return UpstreamReply.Text(400, "{\"status\":\"error\",\"message\":\"invalid request\"}", "application/json");
            Tracked.Enqueue(entries);
            if (Mode == Fault.TrackThenReset)
            {
                Mode = Fault.None; // once: Matomo recorded the batch, and its answer is lost
                return new UpstreamReply { Reset = true };
            }
            var invalid = entries.Select((e, i) => (e, i)).Where(x => IsInvalid(x.e)).Select(x => x.i).ToList();
            return UpstreamReply.Text(200, "{\"status\":\"success\",\"tracked\":" + (entries.Count - invalid.Count) + ",\"invalid\":" + invalid.Count
                + (GivesIndices ? ",\"invalid_indices\":[" + string.Join(",", invalid) + "]" : "") + "}", "application/json");
        }

        public void Dispose() => _server.Dispose();
    }

    /// <summary>A folder for one test's spool, removed afterwards.</summary>
    internal sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "matomo-outbox-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string[] Files(string pattern = "*") => Directory.GetFiles(Path, pattern).Select(System.IO.Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal).ToArray();

        public void Dispose()
        {
            try { Directory.Delete(Path, true); } catch (IOException) { }
        }
    }

    internal static class Wait
    {
        /// <summary>Polls <paramref name="done"/> until it holds or <paramref name="timeout"/> passes; false then.</summary>
        public static bool Until(Func<bool> done, TimeSpan timeout)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!done())
            {
                if (clock.Elapsed > timeout) return false;
                Thread.Sleep(20);
            }
            return true;
        }
    }
}
