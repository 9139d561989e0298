using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using Matomo.Mvc5.Tests.EndToEnd;

namespace Matomo.Mvc5.Tests.Support.Php
{
    /// <summary>
    /// Debian's PHP (php-cli, which ./build.sh test installs) as the oracle of how Matomo's PHP reads a request: the
    /// scripts beside this file run in the real interpreter, so the tests never re-implement PHP's parsing.
    /// </summary>
    internal static class Php
    {
        public const string Executable = "/usr/bin/php";

        /// <summary>The path of script <paramref name="name"/> beside this file.</summary>
        internal static string Script(string name) =>
            Path.Combine(SampleHost.Root, "Matomo.Mvc5.Tests", "Support", "Php", name);

        /// <summary>Runs script <paramref name="script"/> (beside this file, after php's <paramref name="options"/>) with one line of input each, and returns its one line of output each.</summary>
        public static List<string> Lines(string script, IReadOnlyList<string> inputs, string options = null)
        {
            if (inputs.Any(n => n.IndexOf('\n') >= 0)) throw new ArgumentException("one input a line: no raw line feed", nameof(inputs));
            var start = new ProcessStartInfo(Executable, (options == null ? "" : options + " ") + SampleHost.Quote(Script(script)))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
            };
            using (Process php = Process.Start(start))
            {
                var input = new StreamWriter(php.StandardInput.BaseStream, new UTF8Encoding(false)) { NewLine = "\n" };
                string output = null, errors = null;
                var read = new Thread(() => output = php.StandardOutput.ReadToEnd()); // read while stdin is written
                var readErrors = new Thread(() => errors = php.StandardError.ReadToEnd());
                read.Start();
                readErrors.Start();
                foreach (string line in inputs) input.WriteLine(line);
                input.Close();
                read.Join();
                readErrors.Join();
                php.WaitForExit();
                if (php.ExitCode != 0) throw new InvalidOperationException("php " + script + ": " + errors);
                List<string> lines = output.Split('\n').ToList();
                if (lines.Count > 0 && lines[lines.Count - 1].Length == 0) lines.RemoveAt(lines.Count - 1);
                if (lines.Count != inputs.Count) throw new InvalidOperationException("php " + script + " answered " + lines.Count + " lines for " + inputs.Count);
                return lines;
            }
        }

        /// <summary>What PHP's <c>parse_str</c> registers for <c>raw=v</c>, for each raw (URL-encoded) name: its top-level keys and whether each is an array.</summary>
        public static List<(string[] Keys, bool[] Arrays)> RegisteredNames(IReadOnlyList<string> rawNames)
        {
            var result = new List<(string[], bool[])>();
            foreach (string line in Lines("names.php", rawNames))
            {
                using (JsonDocument d = JsonDocument.Parse(line))
                    result.Add((d.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetString()).ToArray(),
                        d.RootElement.GetProperty("array").EnumerateArray().Select(a => a.GetBoolean()).ToArray()));
            }
            return result;
        }
    }

    /// <summary>What Matomo reads from one tracking request (one per bulk entry), according to PHP: see matomo-reads.php.</summary>
    internal sealed class MatomoRead
    {
        public string Token;
        public string[] Overrides;
        /// <summary>The value of each of <see cref="Overrides"/>, in the same order ("(array)" for an array).</summary>
        public string[] Values;
        public string Cip;
    }

    /// <summary>
    /// PHP's built-in web server on a loopback port with matomo-reads.php as its router: a Matomo whose reading of
    /// requests is PHP's own. Each request it received is one line of <see cref="Requests"/>.
    /// </summary>
    internal sealed class PhpMatomo : IDisposable
    {
        private readonly Process _process;
        private readonly string _log;

        public PhpMatomo()
        {
            Directory.CreateDirectory(SampleHost.RunDirectory);
            _log = Path.Combine(SampleHost.RunDirectory, "php-matomo-" + Guid.NewGuid().ToString("N") + ".jsonl");
            File.WriteAllText(_log, "");
            for (int attempt = 0; ; attempt++)
            {
                int port = FreePort();
                var start = new ProcessStartInfo(Php.Executable,
                    "-d arg_separator.input=\"&;\" -S 127.0.0.1:" + port + " " + SampleHost.Quote(Php.Script("matomo-reads.php")))
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                start.EnvironmentVariables["MATOMO_READS_LOG"] = _log;
                _process = Process.Start(start);
                _process.OutputDataReceived += (s, e) => { };
                _process.ErrorDataReceived += (s, e) => { };
                _process.BeginOutputReadLine();
                _process.BeginErrorReadLine();
                if (WaitUntilListening(port, TimeSpan.FromSeconds(10)))
                {
                    Url = new Uri("http://127.0.0.1:" + port + "/");
                    return;
                }
                Kill();
                if (attempt == 4) throw new InvalidOperationException("php -S did not listen");
            }
        }

        /// <summary>Matomo's base URL (any path reaches the router).</summary>
        public Uri Url { get; }

        /// <summary>How many requests PHP has recorded.</summary>
        public int Count => File.ReadAllLines(_log).Length;

        /// <summary>What Matomo read from every request from number <paramref name="index"/> on (0-based), in the order received.</summary>
        public List<MatomoRead> ReadFrom(int index)
        {
            var reads = new List<MatomoRead>();
            for (int i = index; i < Count; i++) reads.AddRange(Read(i));
            return reads;
        }

        /// <summary>What Matomo read from request number <paramref name="index"/> (0-based, in the order received).</summary>
        public List<MatomoRead> Read(int index)
        {
            string line = File.ReadAllLines(_log)[index];
            using (JsonDocument d = JsonDocument.Parse(line))
                return d.RootElement.GetProperty("views").EnumerateArray().Select(v => new MatomoRead
                {
                    Token = v.GetProperty("token").GetString(),
                    Overrides = v.GetProperty("overrides").EnumerateArray().Select(o => o.GetString()).ToArray(),
                    Values = v.GetProperty("values").EnumerateArray().Select(o => o.GetString()).ToArray(),
                    Cip = v.GetProperty("cip").GetString(),
                }).ToList();
        }

        private bool WaitUntilListening(int port, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout && !_process.HasExited)
            {
                try
                {
                    using (var client = new TcpClient()) { client.Connect(IPAddress.Loopback, port); return true; }
                }
                catch (SocketException) { Thread.Sleep(50); }
            }
            return false;
        }

        private static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private void Kill()
        {
            try { if (!_process.HasExited) _process.Kill(); } catch (InvalidOperationException) { }
            _process.WaitForExit(5000);
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
            try { File.Delete(_log); } catch (IOException) { }
        }
    }
}
