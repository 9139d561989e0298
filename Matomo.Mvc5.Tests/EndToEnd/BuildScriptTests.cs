using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The build scripts: ./build.sh offers exactly the commands in build/, each a program of its own, and build/test.sh
    /// ends with its summary line whatever dotnet test did (run here with a stand-in dotnet that plays a test run).
    /// </summary>
    [TestFixture, NonParallelizable, Category("BuildScripts")]
    public class BuildScriptTests
    {
        private string _fakes;

        [OneTimeSetUp]
        public void MakeFakeDotnet()
        {
            _fakes = Path.Combine(SampleHost.RunDirectory, "fake-dotnet-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_fakes);
            // dotnet build succeeds; dotnet test prints what FAKE_TEST_OUTPUT holds and exits with FAKE_TEST_EXIT.
            File.WriteAllText(Path.Combine(_fakes, "dotnet"), string.Join("\n",
                "#!/usr/bin/env bash",
                "case $1 in",
                "  build) exit 0 ;;",
                "  test) printf '%b' \"$FAKE_TEST_OUTPUT\"; exit \"$FAKE_TEST_EXIT\" ;;",
                "  *) echo \"unexpected: dotnet $*\" >&2; exit 3 ;;",
                "esac", ""));
            Run("chmod", "+x " + SampleHost.Quote(Path.Combine(_fakes, "dotnet")), out _);
        }

        [OneTimeTearDown]
        public void Remove()
        {
            try { Directory.Delete(_fakes, true); } catch (IOException) { }
            SampleHost.DeleteRunDirectory();
        }

        private const string TwoAssemblies =
            "Test run for A.dll\\n  Passed: 5\\n  Failed: 0\\n  Skipped: 1\\n" +
            "Test run for B.dll\\n  Passed: 3\\n  Failed: 2\\n  Skipped: 0\\n";

        [Test]
        public void Failed_test_run_still_prints_the_summary_and_exits_non_zero()
        {
            int exit = TestScript(TwoAssemblies + "Test Run Failed.\\n", 1, out var output);

            Assert.That(exit, Is.Not.EqualTo(0));
            Assert.That(LastLine(output), Is.EqualTo("tests: 8 passed, 2 failed, 1 skipped"), output);
        }

        [Test]
        public void Passing_test_run_prints_the_summary_and_exits_zero()
        {
            int exit = TestScript("Test run for A.dll\\n  Passed: 7\\n  Failed: 0\\n  Skipped: 0\\n", 0, out var output);

            Assert.That(exit, Is.EqualTo(0), output);
            Assert.That(LastLine(output), Is.EqualTo("tests: 7 passed, 0 failed, 0 skipped"));
        }

        [Test]
        public void Test_run_that_ran_no_test_fails()
        {
            int exit = TestScript("No test is available.\\n", 0, out var output);

            Assert.That(exit, Is.Not.EqualTo(0), output);
            Assert.That(LastLine(output), Is.EqualTo("tests: 0 passed, 0 failed, 0 skipped"));
        }

        [Test]
        public void Build_sh_lists_the_commands_in_build_and_nothing_internal()
        {
            int exit = Run("bash", SampleHost.Quote(Path.Combine(SampleHost.Root, "build.sh")) + " no-such-command", out var output);

            Assert.That(exit, Is.EqualTo(2));
            Assert.That(output.Replace("(stderr)\n", "").Trim(), Is.EqualTo("usage: " + Path.Combine(SampleHost.Root, "build.sh") + " {bench|load|pack|sample|test} [ARGUMENTS]"));
            Assert.That(Run("bash", SampleHost.Quote(Path.Combine(SampleHost.Root, "build.sh")) + " lib/sample-host", out _), Is.EqualTo(2),
                "the shared code in build/lib is not a command");
        }

        [Test]
        public void Every_command_is_an_executable_script_that_sources_the_shared_code()
        {
            var commands = Directory.GetFiles(Path.Combine(SampleHost.Root, "build"), "*.sh");
            Assert.That(commands.Select(Path.GetFileNameWithoutExtension), Is.EquivalentTo(new[] { "bench", "load", "pack", "sample", "test" }));
            foreach (var command in commands)
            {
                var lines = File.ReadAllLines(command);
                Assert.That(lines[0], Is.EqualTo("#!/usr/bin/env bash"), command);
                Assert.That(lines, Has.Member("set -euo pipefail"), command);
                Assert.That(lines, Has.Member("source \"$(dirname \"${BASH_SOURCE[0]}\")/lib/common.sh\""), command);
            }
        }

        /// <summary>Runs build/test.sh with the fake dotnet first on PATH; returns its exit code and its output.</summary>
        private int TestScript(string testOutput, int testExit, out string output)
        {
            // output: stdout only, where the summary goes (the progress lines go to stderr).
            string log = Path.Combine(_fakes, "test-output.log");
            string command = "export PATH=" + SampleHost.Quote(_fakes) + ":\"$PATH\" FAKE_TEST_OUTPUT=" + SampleHost.Quote(testOutput)
                             + " FAKE_TEST_EXIT=" + testExit + " TEST_OUTPUT=" + SampleHost.Quote(log) + "; "
                             + "bash " + SampleHost.Quote(Path.Combine(SampleHost.Root, "build", "test.sh"));
            return Run("bash", "-c " + SampleHost.Quote(command), out output, out _);
        }

        private static string LastLine(string output) =>
            output.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries).Last().Trim();

        /// <summary>Runs a program; <paramref name="output"/> is what it wrote to stdout, then to stderr after a line "(stderr)".</summary>
        private static int Run(string file, string arguments, out string output) => Run(file, arguments, out output, out var errors, merge: true);

        private static int Run(string file, string arguments, out string stdout, out string stderr, bool merge = false)
        {
            var info = new ProcessStartInfo(file, arguments)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (var process = Process.Start(info))
            {
                var errors = process.StandardError.ReadToEndAsync();
                stdout = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                stderr = errors.Result;
                if (merge) stdout = stdout + "(stderr)\n" + stderr;
                return process.ExitCode;
            }
        }
    }
}
