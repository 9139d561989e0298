using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Matomo.Mvc5.Standin.Http;

namespace Matomo.Mvc5.Standin
{
    /// <summary>
    /// Makes the stand-in's Matomo endpoints (scripts, tracking) fail on purpose, for tests of what is in front of it
    /// (a tracker proxy). POST standin/fault?mode=M (with the values some modes take); modes:
    /// <list type="bullet">
    /// <item>none: answer normally (the default);</item>
    /// <item>error[&amp;status=5xx]: answer 500 (or the 5xx given: 502, 504 ...) without tracking anything;</item>
    /// <item>unavailable: answer 503 with Retry-After: 1, as Matomo in maintenance mode or a proxy before it;</item>
    /// <item>slow&amp;ms=N: answer normally after N milliseconds;</item>
    /// <item>hang: answer nothing until the mode changes (then normally), at most 10 minutes;</item>
    /// <item>reset: reset the connection (TCP RST) without an answer;</item>
    /// <item>refuse&amp;ms=N: stop listening and close every other connection (before answering this request, so that
    /// once it has its answer a connection attempt is refused: ECONNREFUSED) for N milliseconds; then listen again on
    /// the same port with mode none (the mode cannot be changed meanwhile: nothing listens);</item>
    /// <item>invalid&amp;every=N: answer normally, but make every Nth tracking request (a single request or a bulk
    /// entry, counted from when the mode was set) invalid, as Matomo refuses one (400; a bulk counts it in "invalid").</item>
    /// </list>
    /// Requests are recorded either way, with the fault played.
    /// </summary>
    internal sealed class Faults
    {
        private static readonly TimeSpan LongestHang = TimeSpan.FromMinutes(10);
        private const string Modes = "mode: none, error[&status=500..599], unavailable, slow&ms=N, hang, reset, refuse&ms=N or invalid&every=N";
        private readonly object _lock = new object();
        private Fault _current = new Fault("none", 0);

        public Fault Current { get { lock (_lock) return _current; } }

        public HttpResponse Set(Dictionary<string, string> parameters)
        {
            parameters.TryGetValue("mode", out var mode);
            int value = 0;
            switch (mode)
            {
                case "none": case "unavailable": case "hang": case "reset":
                    break;
                case "error":
                    value = 500;
                    if (parameters.ContainsKey("status") && !Number(parameters, "status", 500, 599, out value))
                        return HttpResponse.Text(400, "error takes status=500..599");
                    break;
                case "slow":
                case "refuse":
                    if (!Number(parameters, "ms", 0, 600000, out value)) return HttpResponse.Text(400, mode + " needs ms=0..600000");
                    break;
                case "invalid":
                    if (!Number(parameters, "every", 1, 1000000, out value)) return HttpResponse.Text(400, "invalid needs every=1..1000000");
                    break;
                default:
                    return HttpResponse.Text(400, Modes);
            }
            var fault = new Fault(mode, value);
            Fault previous;
            lock (_lock)
            {
                previous = _current;
                _current = fault;
            }
            previous.Release();
            var answer = HttpResponse.NoContent();
            if (mode == "refuse")
                answer.Then(server => server.Refuse(TimeSpan.FromMilliseconds(value), () =>
                {
                    lock (_lock) if (_current == fault) _current = new Fault("none", 0);
                }));
            return answer;
        }

        private static bool Number(Dictionary<string, string> parameters, string name, int min, int max, out int value)
        {
            value = 0;
            return parameters.TryGetValue(name, out var text)
                   && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
                   && value >= min && value <= max;
        }

        internal sealed class Fault
        {
            private readonly TaskCompletionSource<bool> _released = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            private long _judged;

            /// <param name="mode">One of the modes.</param>
            /// <param name="value">The status for error, the milliseconds for slow and refuse, N for invalid.</param>
            public Fault(string mode, int value)
            {
                Mode = mode;
                Value = value;
            }

            public string Mode { get; }
            public int Value { get; }
            public bool IsNone => Mode == "none";

            /// <summary>True when the fault answers instead of Matomo (error, unavailable, reset): nothing is tracked.</summary>
            public bool Replaces => Mode == "error" || Mode == "unavailable" || Mode == "reset";

            /// <summary>For invalid&amp;every=N: true for the Nth, 2Nth ... tracking request judged under this fault.</summary>
            public bool MakesNextInvalid() => Mode == "invalid" && Interlocked.Increment(ref _judged) % Value == 0;

            /// <summary>What the client gets: the status, or 0 for no answer at all.</summary>
            public int StatusFor(HttpResponse normal)
            {
                switch (Mode)
                {
                    case "error": return Value;
                    case "unavailable": return 503;
                    case "hang": case "reset": return 0;
                    default: return normal.Status;
                }
            }

            public void Release() => _released.TrySetResult(true);

            /// <summary>The answer under this fault: <paramref name="normal"/> itself when the request was answered after all.</summary>
            public async Task<HttpResponse> Play(HttpResponse normal)
            {
                switch (Mode)
                {
                    case "error": return HttpResponse.Text(Value, "stand-in fault: error");
                    case "unavailable": return HttpResponse.Text(503, "stand-in fault: unavailable").With("Retry-After", "1");
                    case "slow":
                        await Task.Delay(Value).ConfigureAwait(false);
                        return normal;
                    case "hang":
                        await Task.WhenAny(_released.Task, Task.Delay(LongestHang)).ConfigureAwait(false);
                        return _released.Task.IsCompleted ? normal : HttpResponse.ConnectionReset();
                    case "reset": return HttpResponse.ConnectionReset();
                    default: return normal;
                }
            }

            public override string ToString()
            {
                switch (Mode)
                {
                    case "slow": return "slow " + Value + " ms";
                    case "error": return Value == 500 ? "error" : "error " + Value;
                    case "invalid": return "invalid every " + Value;
                    default: return Mode;
                }
            }
        }
    }
}
