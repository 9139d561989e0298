using System;
using System.Diagnostics;
using System.Globalization;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// One warning per outage, not one per failed request: the first failure is traced (with its reason), the ones
    /// after it are only counted, and when requests succeed again one line gives the count and the span. The outage is
    /// over at the first success that comes <see cref="TrackerProxyOptions.OutageEndsAfter"/> or more after the last
    /// failure, so that a Matomo that fails every other request is one outage, not a line per answer. The lines name
    /// no URL or token. Thread-safe; a success outside an outage costs one volatile read.
    /// </summary>
    internal sealed class OutageLog
    {
        private readonly string _what;
        private readonly TimeSpan _endsAfter;
        private readonly Func<DateTimeOffset> _clock;
        private readonly object _gate = new object();
        private volatile bool _down;
        private long _failures;
        private DateTimeOffset _since;
        private DateTimeOffset _lastFailure;

        /// <param name="what">What fails, as the subject of the lines: "tracking requests".</param>
        /// <param name="endsAfter">How long after the last failure a success ends the outage.</param>
        /// <param name="clock">The clock.</param>
        public OutageLog(string what, TimeSpan endsAfter, Func<DateTimeOffset> clock)
        {
            _what = what;
            _endsAfter = endsAfter;
            _clock = clock;
        }

        /// <summary>Whether an outage is under way (tests read it).</summary>
        public bool IsDown => _down;

        /// <summary>A request failed for <paramref name="reason"/> (no URL, no token): traced when it starts an outage.</summary>
        public void Failed(string reason)
        {
            DateTimeOffset now = _clock();
            bool starts = false;
            lock (_gate)
            {
                if (!_down)
                {
                    _down = true;
                    _failures = 0;
                    _since = now;
                    starts = true;
                }
                _failures++;
                _lastFailure = now;
            }
            if (starts)
                Trace.TraceWarning("Matomo proxy: " + _what + " fail (" + reason + "); further failures are counted, not traced, until they succeed again");
        }

        /// <summary>A request succeeded: ends the outage when the last failure is long enough ago.</summary>
        public void Succeeded()
        {
            if (!_down) return;
            DateTimeOffset now = _clock();
            long failures;
            DateTimeOffset since, last;
            lock (_gate)
            {
                if (!_down || now - _lastFailure < _endsAfter) return;
                _down = false;
                failures = _failures;
                since = _since;
                last = _lastFailure;
            }
            Trace.TraceInformation("Matomo proxy: " + _what + " succeed again; "
                                   + failures.ToString(CultureInfo.InvariantCulture) + " failed from "
                                   + since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " to "
                                   + last.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " ("
                                   + ((long)Math.Ceiling((last - since).TotalSeconds)).ToString(CultureInfo.InvariantCulture) + " s)");
        }
    }
}
