using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;
using Matomo.Mvc5.Standin.Http;

namespace Matomo.Mvc5.Standin
{
    /// <summary>
    /// Makes the stand-in's Matomo endpoints (scripts, tracking) fail on purpose, for tests of what is in front of it
    /// (a tracker proxy). POST standin/fault?mode=M (and &amp;ms=N for slow); modes:
    /// <list type="bullet">
    /// <item>none: answer normally (the default);</item>
    /// <item>error, unavailable: answer 500, 503;</item>
    /// <item>slow: answer normally after ms milliseconds;</item>
    /// <item>hang: answer nothing until the mode changes (then normally), at most 10 minutes;</item>
    /// <item>reset: reset the connection (TCP RST) without an answer.</item>
    /// </list>
    /// Requests are recorded either way, with the fault played.
    /// </summary>
    internal sealed class Faults
    {
        private static readonly TimeSpan LongestHang = TimeSpan.FromMinutes(10);
        private readonly object _lock = new object();
        private Fault _current = new Fault("none", 0, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));

        public Fault Current { get { lock (_lock) return _current; } }

        public HttpResponse Set(Dictionary<string, string> parameters)
        {
            parameters.TryGetValue("mode", out var mode);
            int ms = 0;
            switch (mode)
            {
                case "none": case "error": case "unavailable": case "hang": case "reset":
                    break;
                case "slow":
                    if (!parameters.TryGetValue("ms", out var text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ms) || ms > 600000)
                        return HttpResponse.Text(400, "slow needs ms=0..600000");
                    break;
                default:
                    return HttpResponse.Text(400, "mode: none, error, unavailable, slow, hang or reset");
            }
            Fault previous;
            lock (_lock)
            {
                previous = _current;
                _current = new Fault(mode, ms, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
            }
            previous.Release();
            return HttpResponse.NoContent();
        }

        internal sealed class Fault
        {
            private readonly TaskCompletionSource<bool> _released;

            public Fault(string mode, int ms, TaskCompletionSource<bool> released)
            {
                Mode = mode;
                Ms = ms;
                _released = released;
            }

            public string Mode { get; }
            public int Ms { get; }
            public bool IsNone => Mode == "none";

            /// <summary>What the client gets: the status, or 0 for no answer at all.</summary>
            public int StatusFor(HttpResponse normal)
            {
                switch (Mode)
                {
                    case "error": return 500;
                    case "unavailable": return 503;
                    case "hang": case "reset": return 0;
                    default: return normal.Status;
                }
            }

            public void Release() => _released.TrySetResult(true);

            public async Task<HttpResponse> Play(HttpResponse normal)
            {
                switch (Mode)
                {
                    case "error": return HttpResponse.Text(500, "stand-in fault: error");
                    case "unavailable": return HttpResponse.Text(503, "stand-in fault: unavailable").With("Retry-After", "1");
                    case "slow":
                        await Task.Delay(Ms).ConfigureAwait(false);
                        return normal;
                    case "hang":
                        await Task.WhenAny(_released.Task, Task.Delay(LongestHang)).ConfigureAwait(false);
                        return _released.Task.IsCompleted ? normal : HttpResponse.ConnectionReset();
                    case "reset": return HttpResponse.ConnectionReset();
                    default: return normal;
                }
            }

            public override string ToString() => Mode == "slow" ? "slow " + Ms + " ms" : Mode;
        }
    }
}
