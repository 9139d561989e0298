using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// One instance of Matomo.Mvc5.Sample served by the real host (nginx + fastcgi-mono-server4) through
    /// build/lib/sample-host.sh, from its own copy of the site with its own appSettings, with its own Matomo stand-in
    /// (Matomo.Mvc5.Standin, a process of its own). Every port is chosen by the host as it binds ("--port 0"): the
    /// stand-in's by the kernel, nginx's again should another process take one first. Nothing here picks a port and
    /// releases it for later.
    /// </summary>
    internal sealed class SampleHost : IDisposable
    {
        private readonly string _stateDir;
        private readonly List<string> _options;
        private Process _starting;
        private readonly StringBuilder _output = new StringBuilder();
        private readonly Dictionary<string, string> _printed = new Dictionary<string, string>();

        private SampleHost(string name, IEnumerable<string> options, IDictionary<string, string> settings)
        {
            _stateDir = Path.Combine(RunDirectory, name);
            _options = options.ToList();
            Settings = new Dictionary<string, string>(settings);
        }

        public static string Root => RepositoryRoot();
        public static string Script => Path.Combine(Root, "build", "lib", "sample-host.sh");
        public IReadOnlyDictionary<string, string> Settings { get; }

        /// <summary>The site's base URL, http://127.0.0.1:PORT/.</summary>
        public string BaseUrl => Printed("url");
        public int Port => new Uri(BaseUrl).Port;
        public string Url(string path) => BaseUrl.TrimEnd('/') + path;
        /// <summary>A reverse proxy that reaches the site from 127.0.0.2 and appends the client to X-Forwarded-For.</summary>
        public string ProxyUrl(string path) => Printed("proxy_url").TrimEnd('/') + path;
        /// <summary>An "office machine" at 127.0.0.3 that browses through the proxy.</summary>
        public string OfficeUrl(string path) => Printed("office_url").TrimEnd('/') + path;

        /// <summary>The Matomo stand-in's base URL, http://127.0.0.1:PORT/ (its viewer).</summary>
        public string StandinUrl => Printed("standin_url");
        /// <summary>The value of matomo:DomainPath this instance renders: its own stand-in, 127.0.0.1:PORT.</summary>
        public string DomainPath => new Uri(StandinUrl).Authority;

        /// <summary>Starts a host in the background; <paramref name="options"/> go to sample-host.sh start.</summary>
        public static SampleHost Begin(string name, IDictionary<string, string> settings, params string[] options)
        {
            var host = new SampleHost(name, options, settings);
            host.BeginStart();
            return host;
        }

        /// <summary>The options for a host with the reverse proxy (from 127.0.0.2) and the office machine (127.0.0.3) in front.</summary>
        public static readonly string[] WithProxies = { "--proxy-port", "0", "--office-port", "0" };

        private void BeginStart()
        {
            string sampleDll = Path.Combine(Root, "Matomo.Mvc5.Sample", "bin", "Matomo.Mvc5.Sample.dll");
            if (!File.Exists(sampleDll))
                throw new InvalidOperationException(sampleDll + " is missing: build the solution (./build.sh test does).");
            var args = new List<string> { Script, "start", _stateDir, "--copy-site", "--port", "0",
                "--owner-pid", Process.GetCurrentProcess().Id.ToString(), "--timeout", "180" };
            args.AddRange(_options);
            foreach (var kv in Settings) args.AddRange(new[] { "--set", kv.Key + "=" + kv.Value });
            _starting = StartScript(args, line =>
            {
                int eq = line.IndexOf('=');
                if (eq > 0 && line.IndexOf(' ') < 0)
                    lock (_printed) { _printed[line.Substring(0, eq)] = line.Substring(eq + 1); Monitor.PulseAll(_printed); }
            });
        }

        /// <summary>Runs "bash ARGS" with its output collected into <see cref="Output"/> (stdout lines also to <paramref name="onLine"/>).</summary>
        private Process StartScript(IEnumerable<string> args, Action<string> onLine)
        {
            var info = new ProcessStartInfo("bash", string.Join(" ", args.Select(Quote)))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Root,
            };
            var process = new Process { StartInfo = info };
            process.OutputDataReceived += (s, e) =>
            {
                if (e.Data == null) return;
                lock (_output) _output.AppendLine(e.Data);
                onLine(e.Data);
            };
            process.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (_output) _output.AppendLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        /// <summary>Waits until the host has printed its stand-in's address (the stand-in listens), before the site is ready.</summary>
        public void WaitForStandin(TimeSpan timeout) => WaitForPrinted("standin_url", timeout);

        private void WaitForPrinted(string key, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                lock (_printed)
                {
                    if (_printed.ContainsKey(key) || Monitor.Wait(_printed, 200) && _printed.ContainsKey(key)) return;
                }
                if (_starting.HasExited)
                {
                    _starting.WaitForExit(); // flush the asynchronous readers (outside the lock they take)
                    lock (_printed) if (_printed.ContainsKey(key)) return;
                    throw new InvalidOperationException("sample-host.sh start ended (" + _starting.ExitCode + ") without printing " + key + ":\n" + Output);
                }
                if (clock.Elapsed > timeout)
                    throw new TimeoutException("sample-host.sh start printed no " + key + " within " + timeout + ":\n" + Output);
            }
        }

        private string Printed(string key)
        {
            lock (_printed)
            {
                if (_printed.TryGetValue(key, out var value)) return value;
            }
            throw new InvalidOperationException("the host has not printed " + key + " (not started, not ready, or not asked for):\n" + Output);
        }

        /// <summary>Waits for the start script (which polls the home page), then checks the home page itself.</summary>
        public void WaitUntilReady(TimeSpan timeout)
        {
            if (!_starting.WaitForExit((int)timeout.TotalMilliseconds))
                throw new TimeoutException("sample-host.sh start did not finish within " + timeout + ":\n" + Output);
            _starting.WaitForExit(); // flush the asynchronous readers
            if (_starting.ExitCode != 0)
                throw new InvalidOperationException("sample-host.sh start failed (" + _starting.ExitCode + "):\n" + Output);
            if (Http.Get(Url("/"), out var body) != HttpStatusCode.OK)
                throw new InvalidOperationException(Url("/") + " does not answer 200 although the host said it is ready:\n" + body + "\n" + Output);
        }

        public string Output { get { lock (_output) return _output.ToString(); } }

        /// <summary>Stops nginx, fastcgi-mono-server4 and the stand-in (the script ends their process groups).</summary>
        public void Dispose()
        {
            try { if (_starting != null && !_starting.HasExited) _starting.Kill(); } catch (InvalidOperationException) { }
            Stop(_stateDir);
        }

        /// <summary>sample-host.sh stop STATE_DIR.</summary>
        public static void Stop(string stateDir)
        {
            using (var stop = Process.Start(new ProcessStartInfo("bash", Quote(Script) + " stop " + Quote(stateDir)) { UseShellExecute = false }))
            {
                if (!stop.WaitForExit(60000)) stop.Kill();
            }
        }

        internal static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

        /// <summary>
        /// Where this test run keeps its hosts' state and the browser profile: one folder per test process, so that
        /// two runs in the same work tree never touch each other's servers.
        /// </summary>
        public static readonly string RunDirectory =
            Path.Combine(RepositoryRoot(), ".tmp", "e2e", "run-" + Process.GetCurrentProcess().Id);

        /// <summary>Removes <see cref="RunDirectory"/> (after every host is stopped).</summary>
        public static void DeleteRunDirectory()
        {
            try { if (Directory.Exists(RunDirectory)) Directory.Delete(RunDirectory, true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        internal static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppDomain.CurrentDomain.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Matomo.Mvc5.sln"))) return dir.FullName;
            throw new InvalidOperationException("Matomo.Mvc5.sln not found above " + AppDomain.CurrentDomain.BaseDirectory);
        }
    }
}
