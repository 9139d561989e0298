using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>Debian's Chromium, headless, driven by Debian's chromedriver through Selenium, with a fresh profile.</summary>
    internal sealed class HeadlessChromium : IDisposable
    {
        public const string ChromiumPath = "/usr/bin/chromium";
        public const string ChromeDriverPath = "/usr/bin/chromedriver";

        private readonly string _profile;
        private readonly Process _watchdog;

        public HeadlessChromium(string profileDirectory, params string[] extraArguments)
        {
            foreach (var file in new[] { ChromiumPath, ChromeDriverPath })
                if (!File.Exists(file)) throw new InvalidOperationException(file + " is missing (apt-get install chromium chromium-driver; ./build.sh test does).");
            _profile = profileDirectory;
            if (Directory.Exists(_profile)) Directory.Delete(_profile, true);
            Directory.CreateDirectory(_profile);

            var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath), Path.GetFileName(ChromeDriverPath));
            service.HideCommandPromptWindow = true;
            service.SuppressInitialDiagnosticInformation = true;
            var options = new ChromeOptions { BinaryLocation = ChromiumPath };
            options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-dev-shm-usage", "--user-data-dir=" + _profile);
            options.AddArguments(extraArguments);
            Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
            _watchdog = StartWatchdog(service.ProcessId);
            Driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(60);
            Driver.ExecuteCdpCommand("Network.enable", new Dictionary<string, object>());
        }

        public ChromeDriver Driver { get; }

        /// <summary>Loads <paramref name="url"/> and returns once its load event has fired.</summary>
        public void Open(string url) => Driver.Navigate().GoToUrl(url);

        /// <summary>The URL of the current page, as the page itself sees it (location.href).</summary>
        public string Location => (string)Driver.ExecuteScript("return location.href");

        /// <summary>The current document, comments included.</summary>
        public string Html => Driver.PageSource;

        /// <summary>Every resource the page fetched so far, by URL (the Resource Timing API).</summary>
        public IReadOnlyList<string> FetchedResources() =>
            ((IEnumerable<object>)Driver.ExecuteScript("return performance.getEntriesByType('resource').map(function (e) { return e.name; })"))
            .Cast<string>().ToList();

        public string Cookies => (string)Driver.ExecuteScript("return document.cookie");

        private bool _scriptsDisabled;

        /// <summary>
        /// True: the pages loaded from now on run no script, as in a browser with JavaScript turned off (the DevTools
        /// protocol's Emulation.setScriptExecutionDisabled): their &lt;noscript&gt; content is used instead.
        /// </summary>
        public bool ScriptsDisabled
        {
            get => _scriptsDisabled;
            set
            {
                Driver.ExecuteCdpCommand("Emulation.setScriptExecutionDisabled", new Dictionary<string, object> { ["value"] = value });
                _scriptsDisabled = value;
            }
        }

        /// <summary>Pages are laid out in a viewport of this size (CSS pixels, one device pixel each) until <see cref="ResetViewport"/>.</summary>
        public void SetViewport(int width, int height) =>
            Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object>
            {
                ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false,
            });

        public void ResetViewport() => Driver.ExecuteCdpCommand("Emulation.clearDeviceMetricsOverride", new Dictionary<string, object>());

        /// <summary>A PNG of what the window shows now.</summary>
        public void Screenshot(string path) => ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(path);

        /// <summary>Headers the browser adds to every request from now on (a client forging X-Forwarded-For).</summary>
        public void SetExtraHeaders(IDictionary<string, string> headers) =>
            Driver.ExecuteCdpCommand("Network.setExtraHTTPHeaders", new Dictionary<string, object>
            {
                ["headers"] = headers.ToDictionary(h => h.Key, h => (object)h.Value),
            });

        /// <summary>Signs out of everything: every cookie of every site.</summary>
        public void ClearCookies() => Driver.ExecuteCdpCommand("Network.clearBrowserCookies", new Dictionary<string, object>());

        /// <summary>
        /// Should the test process die without disposing this, ends chromedriver and every process started with this
        /// profile (found by their command line, killed by id) a second later.
        /// </summary>
        private Process StartWatchdog(int driverPid)
        {
            string script = Path.Combine(Path.GetDirectoryName(_profile), "chromium-watchdog.sh");
            File.WriteAllText(script, string.Join("\n",
                "# usage: chromium-watchdog.sh OWNER_PID DRIVER_PID PROFILE_DIR (written by HeadlessChromium.cs)",
                "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done",
                "kill \"$2\" 2>/dev/null",
                "for p in /proc/[0-9]*; do",
                "  tr '\\0' ' ' <\"$p/cmdline\" 2>/dev/null | grep -qF -- \"--user-data-dir=$3\" && kill \"${p#/proc/}\" 2>/dev/null",
                "done",
                "exit 0",
                ""));
            var info = new ProcessStartInfo("setsid", $"bash \"{script}\" {Process.GetCurrentProcess().Id} {driverPid} \"{_profile}\"")
            {
                UseShellExecute = false,
            };
            return Process.Start(info);
        }

        public void Dispose()
        {
            try { Driver.Quit(); }
            finally
            {
                try { if (!_watchdog.HasExited) _watchdog.Kill(); } catch (InvalidOperationException) { }
                Driver.Dispose();
                try { Directory.Delete(_profile, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }
}
