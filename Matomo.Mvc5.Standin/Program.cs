using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Matomo.Mvc5.Standin.Http;

namespace Matomo.Mvc5.Standin
{
    /// <summary>
    /// mono Matomo.Mvc5.Standin.exe [--port N] [--base /path/] [--capacity N] [--token T] [--sites LIST] [--bulk-requires-token] [--ready-file FILE]
    /// <list type="bullet">
    /// <item>--port N: the loopback port (127.0.0.1); 0, the default, lets the kernel choose a free one;</item>
    /// <item>--base /path/: where Matomo's files are (default "/"), as in a Matomo installed under a folder;</item>
    /// <item>--capacity N: how many requests the journal keeps (default 1000);</item>
    /// <item>--token T: the token_auth Matomo accepts (a super user's; default TrackerSettings.DefaultToken, the one the
    /// tests and the Sample configure as matomo:ProxyTokenAuth);</item>
    /// <item>--sites LIST: the sites that exist, such as 1,3,42 (default: every idsite above 0);</item>
    /// <item>--bulk-requires-token: as Matomo with bulk_requests_require_authentication = 1, refuse a whole bulk
    /// request whose body has not the token;</item>
    /// <item>--ready-file FILE: once listening, written with the base URL (http://127.0.0.1:PORT/path/).</item>
    /// </list>
    /// Prints "listening on URL" once it accepts connections, then serves until it is stopped (SIGTERM, Ctrl+C).
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            int port = 0, capacity = 1000;
            string basePath = "/", readyFile = null, token = TrackerSettings.DefaultToken;
            HashSet<long> sites = null;
            bool bulkRequiresToken = false;
            try
            {
                for (int i = 0; i < args.Length; i++)
                {
                    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException(args[i] + " needs a value");
                    switch (args[i])
                    {
                        case "--port": port = Number(Next(), 0, 65535, "--port"); break;
                        case "--capacity": capacity = Number(Next(), 1, 1000000, "--capacity"); break;
                        case "--base": basePath = Next(); break;
                        case "--ready-file": readyFile = Next(); break;
                        case "--token":
                            token = Next();
                            if (token.Length == 0 || token.Any(c => c <= ' ' || c >= 127)) throw new ArgumentException("--token expects printable ASCII without spaces");
                            break;
                        case "--sites": sites = Sites(Next()); break;
                        case "--bulk-requires-token": bulkRequiresToken = true; break;
                        default: throw new ArgumentException("unknown option " + args[i]);
                    }
                }
                if (!basePath.StartsWith("/", StringComparison.Ordinal) || !basePath.EndsWith("/", StringComparison.Ordinal) || basePath.Contains("//"))
                    throw new ArgumentException("--base must start and end with / (e.g. /matomo/)");
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("Matomo.Mvc5.Standin: " + e.Message);
                Console.Error.WriteLine("usage: Matomo.Mvc5.Standin.exe [--port N (0: any free port)] [--base /path/] [--capacity N] [--token T] [--sites 1,2,...] [--bulk-requires-token] [--ready-file FILE]");
                return 2;
            }

            var standin = new MatomoStandin(basePath, capacity, new TrackerSettings(token, sites, bulkRequiresToken));
            var server = new HttpServer(IPAddress.Loopback, port, standin.Handle);
            try { port = server.Start(); }
            catch (SocketException e)
            {
                Console.Error.WriteLine("Matomo.Mvc5.Standin: cannot listen on 127.0.0.1:" + port + ": " + e.Message);
                return 1;
            }
            string url = "http://127.0.0.1:" + port + basePath;
            if (readyFile != null)
            {
                // Written whole, then renamed: a reader never sees half a URL.
                File.WriteAllText(readyFile + ".tmp", url + "\n");
                if (File.Exists(readyFile)) File.Delete(readyFile);
                File.Move(readyFile + ".tmp", readyFile);
            }
            Console.WriteLine("listening on " + url);
            Console.Out.Flush();
            var stop = new ManualResetEventSlim();
            Console.CancelKeyPress += (s, e) => { e.Cancel = true; stop.Set(); };
            stop.Wait();
            return 0;
        }

        private static HashSet<long> Sites(string list)
        {
            var sites = new HashSet<long>();
            foreach (var part in list.Split(','))
                sites.Add(Number(part.Trim(), 1, int.MaxValue, "--sites (a list such as 1,3,42)"));
            return sites;
        }

        private static int Number(string text, int min, int max, string option)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
                throw new ArgumentException(option + " expects a whole number from " + min + " to " + max);
            return n;
        }
    }
}
