using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Matomo.Mvc5.Addresses;

namespace Matomo.Mvc5.Benchmarks
{
    /// <summary>
    /// Runs the benchmarks in-process (the only toolchain that works under Mono), then compares each figure with its
    /// target and writes that comparison next to BenchmarkDotNet's markdown tables.
    /// Usage: Matomo.Mvc5.Benchmarks.exe [--artifacts DIR] [BenchmarkDotNet options, e.g. --filter *Render*]
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            string artifacts = Path.GetFullPath("BenchmarkDotNet.Artifacts");
            var rest = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "--artifacts" && i + 1 < args.Length) artifacts = Path.GetFullPath(args[++i]);
                else rest.Add(args[i]);
            }
            if (!rest.Contains("--filter")) rest.AddRange(new[] { "--filter", "*" });

            // A short job, like BenchmarkDotNet's ShortRun but with 10 measured iterations so the median means something:
            // one launch (in-process), 3 warm-up and 10 measured iterations of ~250 ms each.
            Job job = Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
                .WithId("Short10");
            IConfig config = ManualConfig.CreateEmpty()
                .AddJob(job)
                .AddDiagnoser(MemoryDiagnoser.Default)
                .AddColumnProvider(DefaultColumnProviders.Instance)
                .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
                .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
                .AddExporter(MarkdownExporter.GitHub)
                .WithArtifactsPath(artifacts)
                .WithOptions(ConfigOptions.DisableLogFile);

            Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.ToArray(), config).ToArray();
            if (summaries.Length == 0 || summaries.Any(s => s.HasCriticalValidationErrors))
            {
                Console.Error.WriteLine("benchmarks did not run");
                return 1;
            }
            string targets = Targets.Compare(summaries.SelectMany(s => s.Reports).ToList());
            Directory.CreateDirectory(Path.Combine(artifacts, "results"));
            string path = Path.Combine(artifacts, "results", "targets.md");
            File.WriteAllText(path, targets, new UTF8Encoding(false));
            Console.WriteLine();
            Console.WriteLine(targets);
            Console.WriteLine("targets: " + path);
            return summaries.SelectMany(s => s.Reports).All(r => r.Success) ? 0 : 1;
        }
    }

    /// <summary>Each figure next to its target; a missed target is printed as missed, with the figure.</summary>
    internal static class Targets
    {
        public static string Compare(IList<BenchmarkReport> reports)
        {
            var md = new StringBuilder();
            md.AppendLine("| Figure | Measured | Target | Verdict |");
            md.AppendLine("| --- | ---: | ---: | --- |");

            void Row(string figure, string measured, string target, bool? met) =>
                md.AppendLine($"| {figure} | {measured} | {target} | {(met == null ? "no target" : met.Value ? "met" : "**MISSED**")} |");

            BenchmarkReport Find(string type, string method, Func<BenchmarkReport, bool> more = null) => reports.FirstOrDefault(r =>
                r.BenchmarkCase.Descriptor.Type.Name == type && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
                && r.ResultStatistics != null && (more == null || more(r)));
            double? Median(BenchmarkReport r) => r?.ResultStatistics?.Median;
            long? Allocated(BenchmarkReport r) => r == null ? null : r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase);
            object Param(BenchmarkReport r, string name) => r.BenchmarkCase.Parameters.Items.First(p => p.Name == name).Value;

            // Rendering: the full page's median time, and its allocations against the size of the string it returns.
            var bench = new RenderBenchmarks();
            bench.Setup();
            foreach (var (method, text) in new[] { ("FullPage", bench.FullPage()), ("FullPageFromViewData", bench.FullPageFromViewData()), ("MinimalPage", bench.MinimalPage()) })
            {
                BenchmarkReport r = Find(nameof(RenderBenchmarks), method);
                if (r == null) continue;
                // A .NET string holds 2 bytes a character plus its object header (about 20 bytes on 64-bit Mono and .NET).
                long stringBytes = 2L * text.Length + 20;
                double? median = Median(r);
                bool target = method != "MinimalPage";
                Row($"Render {method}: median time", Ns(median), target ? "≤ 500 ns" : "(none)", target ? median <= 500 : (bool?)null);
                long? allocated = Allocated(r);
                Row($"Render {method}: allocated / returned string ({text.Length} chars = {stringBytes} B)",
                    allocated == null ? "n/a" : $"{allocated} B = {(double)allocated / stringBytes:0.00}×",
                    target ? "≤ 2×" : "(none)", target && allocated != null ? allocated <= 2 * stringBytes : (bool?)null);
            }

            // Internal-address verdict: the time at 100,000 ranges against the time at 10, per address family.
            foreach (string family in new[] { "IPv4", "IPv6" })
            {
                double? at10 = Median(Find(nameof(IpRangeListBenchmarks), "Contains", r => (int)Param(r, "Ranges") == 10 && (string)Param(r, "Family") == family));
                double? at100k = Median(Find(nameof(IpRangeListBenchmarks), "Contains", r => (int)Param(r, "Ranges") == 100000 && (string)Param(r, "Family") == family));
                if (at10 == null || at100k == null) continue;
                Row($"IpRangeList.Contains {family}: time at 100,000 ranges / time at 10",
                    $"{Ns(at100k)} / {Ns(at10)} = {at100k / at10:0.00}×", "≤ 2×", at100k <= 2 * at10);
            }

            // The module's per-request work.
            BenchmarkReport module = Find(nameof(ModuleBenchmarks), "ThreeHopXForwardedFor");
            if (module != null)
                Row("Module: resolve a three-hop X-Forwarded-For + internal verdict, median time", Ns(Median(module)), "≤ 300 ns", Median(module) <= 300);

            // The typed page API: a typed command costs no more than the same command through ViewData.
            foreach (string page in new[] { "ProductPage", "OrderPage" })
            {
                BenchmarkReport typed = Find(nameof(PageBenchmarks), page + "Typed"), viewData = Find(nameof(PageBenchmarks), page + "ViewData");
                if (typed == null || viewData == null) continue;
                Row($"{page}: typed API / same commands through ViewData, median time",
                    $"{Ns(Median(typed))} / {Ns(Median(viewData))} = {Median(typed) / Median(viewData):0.00}×", "≤ 1×", Median(typed) <= Median(viewData));
                Row($"{page}: typed API / ViewData, allocated", $"{Allocated(typed)} B / {Allocated(viewData)} B", "≤ 1×", Allocated(typed) <= Allocated(viewData));
            }
            // The delivery outbox: accepting a hit on the caller's thread, from 1 and from 16 threads; the sender's rate.
            BenchmarkReport one = Find(nameof(OutboxAcceptBenchmarks), "OneThread"), sixteen = Find(nameof(OutboxAcceptBenchmarks), "SixteenThreads");
            if (one != null)
                Row("Outbox.Accept, one thread: median time per hit", Ns(Median(one)), "< 1000 ns", Median(one) < 1000);
            if (one != null && sixteen != null)
                Row("Outbox.Accept, 16 threads at once: wall time per hit / one thread's (no lock contention)",
                    $"{Ns(Median(sixteen))} / {Ns(Median(one))} = {Median(sixteen) / Median(one):0.00}×", "≤ 1×", Median(sixteen) <= Median(one));
            BenchmarkReport locked = Find(nameof(OutboxAcceptBenchmarks), "SixteenThreadsThroughOneLock");
            if (locked != null && sixteen != null)
                Row("For comparison: 16 threads with each Accept under one shared lock, wall time per hit", Ns(Median(locked)), "(none)", null);
            BenchmarkReport spool = Find(nameof(SpoolWriteBenchmarks), "Append200");
            if (spool != null)
                Row("Spool.Append: hits written per second (batches of 200, ~200 B each)", $"{1e9 / Median(spool):#,0} hits/s", "(none)", null);
            BenchmarkReport sender = Find(nameof(OutboxThroughputBenchmarks), "DeliverInBulk");
            if (sender != null)
                Row("Outbox sender into the stand-in: hits delivered per second (bulk of 200)", $"{1e9 / Median(sender):#,0} hits/s", "≥ 20,000 hits/s", 1e9 / Median(sender) >= 20000);
            return md.ToString();
        }

        private static string Ns(double? ns) => ns == null ? "n/a" : ns.Value.ToString("0.0", CultureInfo.InvariantCulture) + " ns";
    }
}
