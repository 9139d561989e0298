using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// One instance of Matomo.Mvc5.Sample served by the real host (nginx + fastcgi-mono-server4) through
    /// build/sample-host.sh, on free loopback ports, from its own copy of the site with its own appSettings.
    /// </summary>
    internal sealed class SampleHost : IDisposable
    {
        private readonly string _script;
        private readonly string _stateDir;
        private Process _starting;
        private readonly StringBuilder _output = new StringBuilder();

        private SampleHost(string name, bool withProxies, IDictionary<string, string> settings)
        {
            Root = RepositoryRoot();
            _script = Path.Combine(Root, "build", "sample-host.sh");
            _stateDir = Path.Combine(RunDirectory, name);
            Port = FreePort();
            if (withProxies)
            {
                ProxyPort = FreePort();
                OfficePort = FreePort();
            }
            Settings = new Dictionary<string, string>(settings);
        }

        public string Root { get; }
        public int Port { get; }
        /// <summary>A reverse proxy that reaches the site from 127.0.0.2 and appends the client to X-Forwarded-For; 0 if none.</summary>
        public int ProxyPort { get; }
        /// <summary>An "office machine" at 127.0.0.3 that browses through the proxy; 0 if none.</summary>
        public int OfficePort { get; }
        public IReadOnlyDictionary<string, string> Settings { get; }

        public string Url(string path) => "http://127.0.0.1:" + Port + path;
        public string ProxyUrl(string path) => "http://127.0.0.1:" + ProxyPort + path;
        public string OfficeUrl(string path) => "http://127.0.0.1:" + OfficePort + path;

        /// <summary>The value of matomo:DomainPath this instance renders: its own stand-in.</summary>
        public string DomainPath => "127.0.0.1:" + Port + "/matomo-standin";

        public static SampleHost Begin(string name, bool withProxies, IDictionary<string, string> settings)
        {
            var host = new SampleHost(name, withProxies, settings);
            host.BeginStart();
            return host;
        }

        private void BeginStart()
        {
            string sampleDll = Path.Combine(Root, "Matomo.Mvc5.Sample", "bin", "Matomo.Mvc5.Sample.dll");
            if (!File.Exists(sampleDll))
                throw new InvalidOperationException(sampleDll + " is missing: build the solution (./build.sh test does).");
            var args = new List<string> { _script, "start", _stateDir, "--copy-site", "--port", Port.ToString(),
                "--owner-pid", Process.GetCurrentProcess().Id.ToString(), "--timeout", "180" };
            if (ProxyPort != 0) args.AddRange(new[] { "--proxy-port", ProxyPort.ToString(), "--office-port", OfficePort.ToString() });
            // "{port}" in a value stands for this host's port (known only once the host is made).
            foreach (var kv in Settings) args.AddRange(new[] { "--set", kv.Key + "=" + kv.Value.Replace("{port}", Port.ToString()) });
            var info = new ProcessStartInfo("bash", string.Join(" ", args.Select(Quote)))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Root,
            };
            _starting = new Process { StartInfo = info };
            _starting.OutputDataReceived += (s, e) => { if (e.Data != null) lock (_output) _output.AppendLine(e.Data); };
            _starting.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (_output) _output.AppendLine(e.Data); };
            _starting.Start();
            _starting.BeginOutputReadLine();
            _starting.BeginErrorReadLine();
        }

        /// <summary>Waits for the start script (which polls the home page), then polls the home page itself.</summary>
        public void WaitUntilReady(TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            if (!_starting.WaitForExit((int)timeout.TotalMilliseconds))
                throw new TimeoutException("sample-host.sh start did not finish within " + timeout + ":\n" + Output);
            _starting.WaitForExit(); // flush the asynchronous readers
            if (_starting.ExitCode != 0)
                throw new InvalidOperationException("sample-host.sh start failed (" + _starting.ExitCode + "):\n" + Output);
            while (true)
            {
                if (Http.Get(Url("/"), out _) == HttpStatusCode.OK) return;
                if (clock.Elapsed > timeout) throw new TimeoutException(Url("/") + " does not answer 200:\n" + Output);
                Thread.Sleep(200);
            }
        }

        public string Output { get { lock (_output) return _output.ToString(); } }

        /// <summary>Stops nginx and fastcgi-mono-server4 (the script ends their process groups).</summary>
        public void Dispose()
        {
            try { if (_starting != null && !_starting.HasExited) _starting.Kill(); } catch (InvalidOperationException) { }
            using (var stop = Process.Start(new ProcessStartInfo("bash", Quote(_script) + " stop " + Quote(_stateDir)) { UseShellExecute = false }))
            {
                if (!stop.WaitForExit(60000)) stop.Kill();
            }
        }

        private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

        private static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
            finally { listener.Stop(); }
        }

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

    /// <summary>Plain HTTP from the test process (no browser): for readiness checks and the stand-in's JSON.</summary>
    internal static class Http
    {
        public static HttpStatusCode Get(string url, out string body)
        {
            return Send("GET", url, out body);
        }

        public static HttpStatusCode Send(string method, string url, out string body) => Send(method, url, out body, out _);

        /// <summary>Also returns the response's headers (null when there was no response).</summary>
        public static HttpStatusCode Get(string url, out string body, out WebHeaderCollection headers) =>
            Send("GET", url, out body, out headers);

        private static HttpStatusCode Send(string method, string url, out string body, out WebHeaderCollection headers)
        {
            headers = null;
            var request = (HttpWebRequest)WebRequest.Create(url);
            request.Method = method;
            request.Timeout = 30000;
            request.AllowAutoRedirect = false;
            request.Accept = "application/json";
            request.Proxy = null;
            request.KeepAlive = false; // a fresh connection each time: no reuse of one nginx has already closed
            if (method == "POST") request.ContentLength = 0;
            try
            {
                using (var response = (HttpWebResponse)request.GetResponse())
                using (var reader = new StreamReader(response.GetResponseStream(), Encoding.UTF8))
                {
                    headers = response.Headers;
                    body = reader.ReadToEnd();
                    return response.StatusCode;
                }
            }
            catch (WebException e) when (e.Response is HttpWebResponse r)
            {
                headers = r.Headers;
                using (r) body = new StreamReader(r.GetResponseStream(), Encoding.UTF8).ReadToEnd();
                return r.StatusCode;
            }
            catch (WebException e)
            {
                body = e.Status + ": " + e.Message;
                return 0;
            }
        }
    }
}
