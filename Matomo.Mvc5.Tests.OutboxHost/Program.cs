using System;
using System.Globalization;
using System.Threading;
using Matomo.Mvc5.Delivery;

namespace Matomo.Mvc5.Tests.OutboxHost
{
    /// <summary>
    /// Runs one <see cref="DeliveryOutbox"/> on a spool folder, accepts numbered hits and reports on stdout:
    /// <c>ready OWNER</c>, then <c>accepted N TICKS</c> after each hit, <c>done</c>, and a status line when asked
    /// (<c>status</c> on stdin). A closed stdin (or <c>stop</c>) stops the outbox as a shutdown does; the tests also
    /// kill it with <c>kill -9</c>.
    /// Usage: Matomo.Mvc5.Tests.OutboxHost.exe --folder DIR --endpoint URL [--token T] [--from N] [--count N]
    /// [--every-ms N] [--lease-ms N] [--retry-max-ms N] [--site N]
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            var options = new OutboxOptions { Log = line => Console.Error.WriteLine(line) };
            int from = 0, count = 0, everyMs = 10, site = 1;
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                string value = args[i + 1];
                switch (args[i])
                {
                    case "--folder": options.SpoolFolder = value; break;
                    case "--endpoint": options.Endpoint = new Uri(value); break;
                    case "--token": options.TokenAuth = value; break;
                    case "--from": from = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--count": count = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--every-ms": everyMs = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--site": site = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--lease-ms":
                        options.LeaseTimeout = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture));
                        options.Heartbeat = TimeSpan.FromMilliseconds(Math.Max(50, options.LeaseTimeout.TotalMilliseconds / 6));
                        break;
                    case "--retry-max-ms": options.RetryMax = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)); break;
                    default: Console.Error.WriteLine("unknown option " + args[i]); return 2;
                }
            }
            var outbox = new DeliveryOutbox(options);
            Console.Out.WriteLine("ready " + outbox.SpoolOwner);
            Console.Out.Flush();
            var stdin = new Thread(() =>
            {
                string line;
                while ((line = Console.In.ReadLine()) != null && line != "stop")
                    if (line == "status") Say("status " + outbox.Status);
                outbox.Stop(TimeSpan.FromSeconds(3));
                Say("stopped " + outbox.Status);
                Environment.Exit(0);
            }) { IsBackground = true };
            stdin.Start();
            for (int n = from; n < from + count; n++)
            {
                long ticks = DateTime.UtcNow.Ticks;
                outbox.Accept("idsite=" + site + "&rec=1&action_name=hit%20" + n + "&n=" + n, ticks, "203.0.113." + (n % 250));
                Say("accepted " + n + " " + ticks);
                if (everyMs > 0) Thread.Sleep(everyMs);
            }
            Say("done");
            Thread.Sleep(Timeout.Infinite);
            return 0;
        }

        private static readonly object Gate = new object();

        private static void Say(string line)
        {
            lock (Gate)
            {
                Console.Out.WriteLine(line);
                Console.Out.Flush();
            }
        }
    }
}
