using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Matomo.Mvc5.Tests.Support
{
    /// <summary>Records what goes to <see cref="Trace"/> while it is registered (from its creation to its disposal).</summary>
    public sealed class TraceRecorder : TraceListener
    {
        private readonly List<string> _lines = new List<string>();
        private string _partial = "";

        public TraceRecorder() => Trace.Listeners.Add(this);

        public override void Write(string message)
        {
            lock (_lines) _partial += message;
        }

        public override void WriteLine(string message)
        {
            lock (_lines)
            {
                _lines.Add(_partial + message);
                _partial = "";
            }
        }

        /// <summary>Every line so far (TraceWarning writes its source and level, then the message, as one line).</summary>
        public string[] Lines
        {
            get { lock (_lines) return _lines.ToArray(); }
        }

        /// <summary>The lines that contain <paramref name="text"/>.</summary>
        public string[] With(string text) => Lines.Where(l => l.Contains(text)).ToArray();

        protected override void Dispose(bool disposing)
        {
            Trace.Listeners.Remove(this);
            base.Dispose(disposing);
        }
    }
}
