using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// Matomo.Mvc5.Tests.OutboxHost run as a real process (mono), whose stdout lines the test reads as they come, and
    /// which it can kill with <c>kill -9</c> (SIGKILL: no finally block, no shutdown) or stop as a shutdown does.
    /// </summary>
    internal sealed class OutboxHostProcess : IDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = new BlockingCollection<string>();

        public OutboxHostProcess(params string[] arguments)
        {
            string exe = Path.Combine(SampleHost.Root, "Matomo.Mvc5.Tests.OutboxHost", "bin", "Matomo.Mvc5.Tests.OutboxHost.exe");
            if (!File.Exists(exe)) throw new InvalidOperationException(exe + " is missing: build the solution (./build.sh test does).");
            _process = new Process
            {
                StartInfo = new ProcessStartInfo("mono", string.Join(" ", new[] { exe }.Concat(arguments).Select(SampleHost.Quote)))
                {
                    UseShellExecute = false,
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                },
            };
            _process.OutputDataReceived += (_, e) => { if (e.Data != null) _lines.Add(e.Data); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data != null) Errors.Enqueue(e.Data); };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int Id => _process.Id;

        /// <summary>What the process wrote to stderr (the outbox's log lines).</summary>
        public ConcurrentQueue<string> Errors { get; } = new ConcurrentQueue<string>();

        /// <summary>The next stdout line that starts with <paramref name="prefix"/> (earlier ones are passed to <paramref name="seen"/>).</summary>
        public string WaitFor(string prefix, TimeSpan timeout, Action<string> seen = null)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                TimeSpan left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero || !_lines.TryTake(out string line, left))
                    throw new TimeoutException("no \"" + prefix + "\" line from the outbox host within " + timeout + "; stderr: " + string.Join(" | ", Errors));
                seen?.Invoke(line);
                if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
            }
        }

        public void Send(string line)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }

        /// <summary>SIGKILL, and waits until the process is gone.</summary>
        public void Kill9()
        {
            using (Process kill = Process.Start(new ProcessStartInfo("kill", "-9 " + _process.Id) { UseShellExecute = false }))
                kill.WaitForExit();
            if (!_process.WaitForExit(10000)) throw new TimeoutException("the outbox host survived kill -9");
        }

        /// <summary>A shutdown: closes stdin; returns the host's last status line.</summary>
        public string Stop(TimeSpan timeout)
        {
            _process.StandardInput.Close();
            string stopped = WaitFor("stopped", timeout);
            _process.WaitForExit((int)timeout.TotalMilliseconds);
            return stopped;
        }

        public void Dispose()
        {
            try { if (!_process.HasExited) _process.Kill(); } catch (InvalidOperationException) { }
            _process.WaitForExit(10000);
            _process.Dispose();
        }
    }
}
