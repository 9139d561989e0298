using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// Matomo.Mvc5.Standin run by the test itself (mono Matomo.Mvc5.Standin.exe), as build/lib/sample-host.sh runs it:
    /// on a port the kernel chooses unless one is given, its base URL read from the file it writes once it listens.
    /// </summary>
    internal sealed class StandinProcess : IDisposable
    {
        private readonly Process _process;
        private readonly string _readyFile;

        public StandinProcess(params string[] arguments)
        {
            string exe = Path.Combine(SampleHost.Root, "Matomo.Mvc5.Standin", "bin", "Matomo.Mvc5.Standin.exe");
            if (!File.Exists(exe)) throw new InvalidOperationException(exe + " is missing: build the solution (./build.sh test does).");
            Directory.CreateDirectory(SampleHost.RunDirectory);
            _readyFile = Path.Combine(SampleHost.RunDirectory, "standin-" + Guid.NewGuid().ToString("N") + ".url");
            var args = new[] { exe, "--ready-file", _readyFile }.Concat(arguments).Select(SampleHost.Quote);
            _process = Process.Start(new ProcessStartInfo("mono", string.Join(" ", args))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
        }

        /// <summary>Waits until the stand-in listens; returns its base URL (http://127.0.0.1:PORT/BASE/).</summary>
        public string WaitUntilListening(TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(_readyFile))
            {
                if (_process.HasExited)
                    throw new InvalidOperationException("the stand-in exited (" + _process.ExitCode + "): " + _process.StandardError.ReadToEnd());
                if (clock.Elapsed > timeout) throw new TimeoutException("the stand-in did not listen within " + timeout);
                Thread.Sleep(50);
            }
            BaseUrl = File.ReadAllText(_readyFile).Trim();
            return BaseUrl;
        }

        public string BaseUrl { get; private set; }
        public int Port => new Uri(BaseUrl).Port;

        /// <summary>Waits for the process to end by itself; returns its exit code and what it wrote to stderr.</summary>
        public int WaitForExit(TimeSpan timeout, out string errors)
        {
            if (!_process.WaitForExit((int)timeout.TotalMilliseconds)) throw new TimeoutException("the stand-in is still running");
            errors = _process.StandardError.ReadToEnd();
            return _process.ExitCode;
        }

        public void Dispose()
        {
            try { if (!_process.HasExited) _process.Kill(); } catch (InvalidOperationException) { }
            _process.WaitForExit(10000);
            _process.Dispose();
            try { File.Delete(_readyFile); } catch (IOException) { }
        }
    }
}
