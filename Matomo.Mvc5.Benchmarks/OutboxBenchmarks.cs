using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Matomo.Mvc5.Delivery;

namespace Matomo.Mvc5.Benchmarks
{
    /// <summary>
    /// The cost of <see cref="DeliveryOutbox.Accept(string, long, string)"/> on the caller's thread, from one thread
    /// and from 16 at once, with the outbox's writer running as in production (spooling into a temporary folder;
    /// Matomo refused, so the sender backs off). Each invocation accepts 160,000 hits; after each iteration the
    /// writer is let catch up (not measured). A hit dropped for lack of memory would make the figure meaningless:
    /// the cleanup fails then.
    /// </summary>
    [MemoryDiagnoser]
    [InvocationCount(4, 1)]
    public class OutboxAcceptBenchmarks
    {
        private const int PerInvoke = 160000;
        private const string Query = "idsite=4&rec=1&r=123456&h=12&m=0&s=0&url=https%3A%2F%2Fshop.example%2Fproducts%2Fgrail&action_name=The%20Grail&_id=0123456789abcdef&pv_id=a1B2c3";
        private DeliveryOutbox _outbox;
        private string _folder;

        [GlobalSetup]
        public void Setup()
        {
            _folder = Path.Combine(Path.GetTempPath(), "matomo-outbox-bench-" + Guid.NewGuid().ToString("N"));
            _outbox = new DeliveryOutbox(new OutboxOptions
            {
                Endpoint = new Uri("http://127.0.0.1:9/matomo.php"), // discard port: refused
                TokenAuth = "bench",
                SpoolFolder = _folder,
                MaxSpoolBytes = 32L * 1024 * 1024,
                MemoryCapacity = 4 * PerInvoke + 1000,
                RetryInitial = TimeSpan.FromSeconds(30),
                RetryMax = TimeSpan.FromSeconds(60),
                Log = _ => { },
            });
        }

        [IterationCleanup]
        public void CatchUp()
        {
            var clock = Stopwatch.StartNew();
            while (_outbox.Status.WaitingInMemory > 0 && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(5);
            if (_outbox.Status.DroppedMemoryFull > 0) throw new InvalidOperationException("hits were dropped for lack of memory: the figure would not be Accept's");
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _outbox.Stop(TimeSpan.Zero);
            try { Directory.Delete(_folder, true); } catch (IOException) { }
        }

        [Benchmark(OperationsPerInvoke = PerInvoke)]
        public void OneThread()
        {
            long ticks = DateTime.UtcNow.Ticks;
            for (int i = 0; i < PerInvoke; i++) _outbox.Accept(Query, ticks, "203.0.113.7");
        }

        /// <summary>Wall time per hit with 16 threads accepting at once (on this machine's 2 cores): lower than one
        /// thread's when nothing serialises them.</summary>
        [Benchmark(OperationsPerInvoke = PerInvoke)]
        public void SixteenThreads()
        {
            long ticks = DateTime.UtcNow.Ticks;
            Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
            {
                for (int i = 0; i < PerInvoke / 16; i++) _outbox.Accept(Query, ticks, "203.0.113.7");
            });
        }

        private readonly object _gate = new object();

        /// <summary>For comparison only: the same 16 threads with every Accept under one shared lock, what an outbox
        /// built on a lock (or a BlockingCollection) would cost them.</summary>
        [Benchmark(OperationsPerInvoke = PerInvoke)]
        public void SixteenThreadsThroughOneLock()
        {
            long ticks = DateTime.UtcNow.Ticks;
            Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
            {
                for (int i = 0; i < PerInvoke / 16; i++)
                    lock (_gate) _outbox.Accept(Query, ticks, "203.0.113.7");
            });
        }
    }

    /// <summary>The spool's write rate: <see cref="Spool.Append"/> of a batch of 200 typical hits (about 200 bytes
    /// each), handed to the operating system each time, with the 100 MB limit dropping the oldest once full.</summary>
    [MemoryDiagnoser]
    public class SpoolWriteBenchmarks
    {
        private Spool _spool;
        private string _folder;
        private TrackingHit[] _batch;

        [GlobalSetup]
        public void Setup()
        {
            _folder = Path.Combine(Path.GetTempPath(), "matomo-spool-bench-" + Guid.NewGuid().ToString("N"));
            _spool = new Spool(new OutboxOptions { Endpoint = new Uri("http://127.0.0.1:9/matomo.php"), SpoolFolder = _folder }.Checked());
            long ticks = DateTime.UtcNow.Ticks;
            _batch = Enumerable.Range(0, 200).Select(i => new TrackingHit(
                "idsite=4&rec=1&r=" + (100000 + i) + "&url=https%3A%2F%2Fshop.example%2Fproducts%2F" + i + "&action_name=Product%20" + i + "&_id=0123456789abcdef&pv_id=a1B2c3",
                ticks + i, "203.0.113." + i)).ToArray();
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _spool.Close(release: false);
            try { Directory.Delete(_folder, true); } catch (IOException) { }
        }

        /// <summary>Per hit (a batch of 200 per invocation).</summary>
        [Benchmark(OperationsPerInvoke = 200)]
        public void Append200() => _spool.Append(_batch);
    }

    /// <summary>
    /// The sender's throughput into the Matomo stand-in (a process of its own on loopback, answering bulk requests):
    /// each invocation accepts 20,000 hits and waits until Matomo answered for all of them. Per hit.
    /// </summary>
    [InvocationCount(1, 1)]
    public class OutboxThroughputBenchmarks
    {
        private const int PerInvoke = 20000;
        private Process _standin;
        private DeliveryOutbox _outbox;
        private string _folder;

        [GlobalSetup]
        public void Setup()
        {
            string root = AppDomain.CurrentDomain.BaseDirectory;
            while (root != null && !File.Exists(Path.Combine(root, "Matomo.Mvc5.sln"))) root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar));
            if (root == null) throw new InvalidOperationException("the repository root (Matomo.Mvc5.sln) is not above " + AppDomain.CurrentDomain.BaseDirectory);
            string ready = Path.Combine(Path.GetTempPath(), "standin-bench-" + Guid.NewGuid().ToString("N") + ".url");
            _standin = Process.Start(new ProcessStartInfo("mono", "\"" + Path.Combine(root, "Matomo.Mvc5.Standin", "bin", "Matomo.Mvc5.Standin.exe") + "\" --ready-file \"" + ready + "\"")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            var clock = Stopwatch.StartNew();
            while (!File.Exists(ready) || new FileInfo(ready).Length == 0)
            {
                if (_standin.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30)) throw new InvalidOperationException("the stand-in did not start");
                Thread.Sleep(50);
            }
            Thread.Sleep(100);
            string baseUrl = File.ReadAllText(ready).Trim();
            File.Delete(ready);
            _folder = Path.Combine(Path.GetTempPath(), "matomo-outbox-bench-" + Guid.NewGuid().ToString("N"));
            _outbox = new DeliveryOutbox(new OutboxOptions
            {
                Endpoint = new Uri(baseUrl + "matomo.php"),
                TokenAuth = "bench",
                SpoolFolder = _folder,
                Log = _ => { },
            });
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _outbox.Stop(TimeSpan.FromSeconds(1));
            try { _standin.Kill(); } catch (InvalidOperationException) { }
            _standin.WaitForExit(5000);
            try { Directory.Delete(_folder, true); } catch (IOException) { }
        }

        [Benchmark(OperationsPerInvoke = PerInvoke)]
        public void DeliverInBulk()
        {
            long target = _outbox.Status.Delivered + PerInvoke;
            for (int i = 0; i < PerInvoke; i++) _outbox.Accept("idsite=4&rec=1&url=https%3A%2F%2Fshop.example%2Fp%2F" + (i & 1023) + "&action_name=Bench&_id=0123456789abcdef", "203.0.113.7");
            var clock = Stopwatch.StartNew();
            while (_outbox.Status.Delivered < target)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException("not delivered: " + _outbox.Status);
                Thread.Sleep(1);
            }
            if (_outbox.Status.Retried > 0) throw new InvalidOperationException("the stand-in failed: " + _outbox.Status);
        }
    }
}
