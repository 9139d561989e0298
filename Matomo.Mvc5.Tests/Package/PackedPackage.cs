extern alias NuGetExe;

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Xml.Linq;
using NUnit.Framework;
using NuGetExe::NuGet.ProjectManagement;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// The package as a packages.config site gets it, made once per test run: <c>./build.sh pack</c> (dotnet pack of
    /// the library) into a local folder feed, then <c>nuget.exe restore</c> (NuGet.CommandLine
    /// under Mono) of the repository's top-level packages.config from that feed and the NuGet registry, into a packages
    /// folder of its own, with a global packages folder of its own so that no earlier Matomo.Mvc5 of the same version
    /// can be picked up instead. For update tests, the same build is also packed as the next patch version
    /// (<c>./build.sh pack --no-build -p:Version=...</c>) into a second feed.
    /// </summary>
    internal sealed class PackedPackage
    {
        /// <summary>Where the packages that are not ours come from (the registry the project uses).</summary>
        public const string RegistrySource = "https://api.nuget.org/v3/index.json";

        private static readonly Lazy<PackedPackage> Instance = new Lazy<PackedPackage>(Make, LazyThreadSafetyMode.ExecutionAndPublication);
        private static string workDirectory;

        private PackedPackage() { }

        /// <summary>Packs and restores on first use; a failure is reported to every test that needs it.</summary>
        public static PackedPackage Get() => Instance.Value;

        /// <summary>The repository's top-level folder.</summary>
        public static string RepositoryRoot { get; } = FindRepositoryRoot();

        /// <summary>The repository's top-level packages.config.</summary>
        public static string PackagesConfig => Path.Combine(RepositoryRoot, "packages.config");

        /// <summary>The Matomo.Mvc5 version that packages.config asks for.</summary>
        public static string ManifestVersion =>
            XDocument.Load(PackagesConfig).Root.Elements("package")
                .Single(p => (string)p.Attribute("id") == "Matomo.Mvc5").Attribute("version").Value;

        /// <summary>The freshly packed .nupkg, in the local feed.</summary>
        public string Nupkg { get; private set; }

        /// <summary>Its symbols package (.snupkg), beside it.</summary>
        public string Snupkg { get; private set; }

        /// <summary>The same build packed as the next patch version, in a feed of its own.</summary>
        public string UpdateNupkg { get; private set; }

        /// <summary>nuget.exe: the NuGet.CommandLine assembly the tests load (copied beside them).</summary>
        public static string NuGetExe => typeof(XdtTransformer).Assembly.Location;

        /// <summary>The restored packages folder (the site's <c>packages/</c>).</summary>
        public string PackagesFolder { get; private set; }

        /// <summary>What nuget.exe printed.</summary>
        public string RestoreOutput { get; private set; }

        /// <summary>The package's manifest (.nuspec).</summary>
        public XElement ReadNuspec() => XElement.Parse(ReadText(Nupkg, "Matomo.Mvc5.nuspec"));

        /// <summary>An entry of a package (.nupkg or .snupkg), as bytes; fails the test if it is missing.</summary>
        public static byte[] ReadBytes(string package, string entry)
        {
            using (ZipArchive zip = ZipFile.OpenRead(package))
            using (Stream stream = zip.GetEntry(entry)?.Open() ?? throw new AssertionException(entry + " is not in " + Path.GetFileName(package)))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                return copy.ToArray();
            }
        }

        /// <summary>An entry of a package as text (UTF-8, a byte order mark dropped).</summary>
        public static string ReadText(string package, string entry)
        {
            using (var reader = new StreamReader(new MemoryStream(ReadBytes(package, entry))))
                return reader.ReadToEnd();
        }

        /// <summary>The entries of a package, without the packaging's own parts.</summary>
        public static string[] Entries(string package)
        {
            using (ZipArchive zip = ZipFile.OpenRead(package))
            {
                return zip.Entries.Select(e => e.FullName)
                    .Where(n => n != "[Content_Types].xml" && !n.StartsWith("_rels/", StringComparison.Ordinal) && !n.StartsWith("package/", StringComparison.Ordinal))
                    .OrderBy(n => n, StringComparer.Ordinal).ToArray();
            }
        }

        /// <summary>Deletes what <see cref="Get"/> made.</summary>
        public static void CleanUp()
        {
            if (workDirectory != null && Directory.Exists(workDirectory))
                Directory.Delete(workDirectory, recursive: true);
        }

        private static PackedPackage Make()
        {
            workDirectory = Path.Combine(Path.GetTempPath(), "matomo-mvc5-package-" + Guid.NewGuid().ToString("N"));
            string feed = Path.Combine(workDirectory, "feed");
            Directory.CreateDirectory(feed);

            // The README's pack command, in the configuration these tests were built in, into the feed.
            string configuration = typeof(PackedPackage).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            Run("bash", new[] { Path.Combine(RepositoryRoot, "build.sh"), "pack" }, RepositoryRoot, TimeSpan.FromSeconds(180),
                new Dictionary<string, string> { ["ARTIFACTS"] = feed, ["CONFIGURATION"] = configuration });
            string name = "Matomo.Mvc5." + ManifestVersion;
            Assert.That(Directory.GetFiles(feed).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal),
                Is.EqualTo(new[] { name + ".nupkg", name + ".snupkg" }),
                "./build.sh pack must make exactly the Matomo.Mvc5 version that packages.config lists, and its symbols package");

            var manifestVersion = new Version(ManifestVersion);
            string updateVersion = $"{manifestVersion.Major}.{manifestVersion.Minor}.{Math.Max(manifestVersion.Build, 0) + 1}";
            string updateFeed = Path.Combine(workDirectory, "feed-update");
            Directory.CreateDirectory(updateFeed);
            Run("bash", new[] { Path.Combine(RepositoryRoot, "build.sh"), "pack", "--no-build", "-p:Version=" + updateVersion }, RepositoryRoot,
                TimeSpan.FromSeconds(180), new Dictionary<string, string> { ["ARTIFACTS"] = updateFeed, ["CONFIGURATION"] = configuration });
            string updateNupkg = Path.Combine(updateFeed, "Matomo.Mvc5." + updateVersion + ".nupkg");
            Assert.That(updateNupkg, Does.Exist);

            string nugetExe = NuGetExe;
            Assert.That(File.Exists(nugetExe), Is.True, "nuget.exe (NuGet.CommandLine, referenced by the test project) at " + nugetExe);
            string packages = Path.Combine(workDirectory, "packages");
            string output = Run("mono", new[]
                {
                    nugetExe, "restore", PackagesConfig, "-PackagesDirectory", packages,
                    "-Source", feed, "-Source", RegistrySource, "-NonInteractive", "-Verbosity", "normal",
                },
                workDirectory, TimeSpan.FromSeconds(180), new Dictionary<string, string>
                {
                    ["NUGET_PACKAGES"] = Path.Combine(workDirectory, "global-packages"),
                    ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(workDirectory, "http-cache"),
                });

            return new PackedPackage
            {
                Nupkg = Path.Combine(feed, name + ".nupkg"),
                Snupkg = Path.Combine(feed, name + ".snupkg"),
                UpdateNupkg = updateNupkg,
                PackagesFolder = packages,
                RestoreOutput = output,
            };
        }

        /// <summary>Runs a program to completion, failing the test with its output when it fails or overruns.</summary>
        private static string Run(string program, IEnumerable<string> arguments, string directory, TimeSpan timeout,
            IDictionary<string, string> environment)
        {
            var start = new ProcessStartInfo(program, string.Join(" ", arguments.Select(Quote)))
            {
                WorkingDirectory = directory,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            // The test host's MSBuild variables would point a nested dotnet pack at the wrong MSBuild.
            foreach (string name in start.EnvironmentVariables.Keys.Cast<string>().ToList())
            {
                if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("MSBUILD", StringComparison.Ordinal))
                    start.EnvironmentVariables.Remove(name);
            }
            if (environment != null)
            {
                foreach (KeyValuePair<string, string> variable in environment)
                    start.EnvironmentVariables[variable.Key] = variable.Value;
            }

            var output = new StringBuilder();
            using (var process = new Process { StartInfo = start })
            {
                process.OutputDataReceived += (s, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
                process.ErrorDataReceived += (s, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
                var watch = Stopwatch.StartNew();
                process.Start();
                process.StandardInput.Close();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                if (!process.WaitForExit((int)timeout.TotalMilliseconds))
                {
                    try { process.Kill(); } catch (InvalidOperationException) { }
                    Assert.Fail($"{program} {start.Arguments} did not finish in {timeout.TotalSeconds} s:\n{output}");
                }
                process.WaitForExit();
                TestContext.Progress.WriteLine($"package tests: {Path.GetFileName(arguments.First())} {arguments.Skip(1).FirstOrDefault()} took {watch.Elapsed.TotalSeconds:0.0} s");
                if (process.ExitCode != 0)
                    Assert.Fail($"{program} {start.Arguments} exited with {process.ExitCode}:\n{output}");
            }
            return output.ToString();
        }

        private static string Quote(string argument) =>
            argument.Length > 0 && argument.All(c => !char.IsWhiteSpace(c) && c != '"') ? argument : "\"" + argument.Replace("\"", "\\\"") + "\"";

        private static string FindRepositoryRoot()
        {
            for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory != null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Matomo.Mvc5.sln")))
                    return directory.FullName;
            }
            throw new InvalidOperationException("Matomo.Mvc5.sln not found above " + TestContext.CurrentContext.TestDirectory);
        }
    }

    /// <summary>Deletes the packed package and restored packages after the Package tests.</summary>
    [SetUpFixture]
    public sealed class PackedPackageCleanUp
    {
        [OneTimeTearDown]
        public void DeleteWorkDirectory() => PackedPackage.CleanUp();
    }
}
