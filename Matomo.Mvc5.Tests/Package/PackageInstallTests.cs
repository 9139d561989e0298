using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Web;
using System.Xml.Linq;
using Matomo.Mvc5.Configuration;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// Installing, updating, reinstalling and uninstalling the freshly packed package in copies of stock MVC 5 sites
    /// with NuGet's own packages.config code (<see cref="PackagesConfigSite"/>), and reading after every step what the
    /// site gets from its Web.config and Views/Web.config through System.Configuration (<see cref="SiteConfiguration"/>).
    /// </summary>
    [TestFixture]
    public class PackageInstallTests
    {
        private const string ModuleEntry = "MatomoModule=" + SiteConfiguration.ModuleType;
        private static readonly string StockSites = Path.Combine(PackedPackage.RepositoryRoot, "Matomo.Mvc5.Tests", "Package", "StockSites");

        /// <summary>The settings the package adds, empty, to a site's appSettings.</summary>
        private static readonly string[] PackageSettings =
        {
            "matomo:DomainPath", "matomo:SiteId", "matomo:DisableCookies", "matomo:InternalIps",
            "analytical:InternalIps", "analytical:AutoIdentify", "analytical:TrustedProxies",
        };

        private PackedPackage package;
        private string sites;
        private string scratch;

        public static IEnumerable<string> Sites() =>
            Directory.GetDirectories(StockSites).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal);

        [OneTimeSetUp]
        public void Pack()
        {
            package = PackedPackage.Get();
            string work = Path.GetDirectoryName(package.PackagesFolder);
            sites = Path.Combine(work, "sites");
            scratch = Path.Combine(work, "configuration-reads");
        }

        [Test]
        public void There_are_stock_sites_to_install_into()
        {
            Assert.That(Sites(), Is.EquivalentTo(new[] { "Mvc5", "Mvc5IndividualAccounts" }));
        }

        [TestCaseSource(nameof(Sites))]
        public void Install_adds_each_setting_once_empty_and_the_module_once_per_pipeline(string stock)
        {
            PackagesConfigSite site = Site(stock);
            site.Install(package.Nupkg);

            Assert.That(site.InstalledPackages(), Is.EqualTo(new[] { "Matomo.Mvc5 " + PackedPackage.ManifestVersion }));
            Assert.That(site.References, Is.EqualTo(new[] { "Matomo.Mvc5.dll" }));
            SiteConfiguration installed = AssertInstalled(site, NoValues);
            SiteConfiguration before = StockConfiguration(stock);
            Assert.That(installed.AppSettingEntries, Is.EqualTo(before.AppSettingEntries.Concat(PackageSettings)), "the site's settings, then the package's");
            Assert.That(installed.HttpModules, Is.EqualTo(before.HttpModules.Concat(new[] { ModuleEntry })));
            Assert.That(installed.IntegratedModules, Is.EqualTo(before.IntegratedModules.Concat(new[] { ModuleEntry })));
            AssertKeepsEveryElement(Path.Combine(StockSites, stock, "Web.config"), site.WebConfig);
        }

        [TestCaseSource(nameof(Sites))]
        public void Install_imports_the_namespace_into_the_views_once_and_keeps_the_site_namespaces(string stock)
        {
            PackagesConfigSite site = Site(stock);
            site.Install(package.Nupkg);

            string[] stockNamespaces = StockConfiguration(stock).ViewNamespaces;
            Assert.That(stockNamespaces, Has.Length.EqualTo(6), "the template's namespaces");
            Assert.That(Read(site).ViewNamespaces, Is.EqualTo(stockNamespaces.Concat(new[] { "Matomo.Mvc5" })));
            AssertKeepsEveryElement(Path.Combine(StockSites, stock, "Views", "Web.config"), site.ViewsWebConfig);
            Assert.That(XDocument.Load(site.ViewsWebConfig).Root.Element("system.web.webPages.razor").Element("pages").Attribute("pageBaseType")?.Value,
                Is.EqualTo("System.Web.Mvc.WebViewPage"), "the site's attributes are untouched");
        }

        [TestCaseSource(nameof(Sites))]
        public void Uninstalling_a_fresh_install_gives_back_the_stock_files(string stock)
        {
            PackagesConfigSite site = Site(stock);
            site.Install(package.Nupkg);
            site.Uninstall("Matomo.Mvc5");

            Assert.That(site.InstalledPackages(), Is.Empty);
            Assert.That(site.References, Is.Empty);
            Assert.That(Normalized(site.WebConfig), Is.EqualTo(Normalized(Path.Combine(StockSites, stock, "Web.config"))));
            Assert.That(Normalized(site.ViewsWebConfig), Is.EqualTo(Normalized(Path.Combine(StockSites, stock, "Views", "Web.config"))));
            SiteConfiguration uninstalled = Read(site);
            Assert.That(uninstalled.MatomoModules, Is.Empty);
            Assert.That(uninstalled.AppSettings.Keys, Has.None.StartsWith("matomo:").And.None.StartsWith("analytical:"));
        }

        [Test]
        public void Install_user_edits_update_uninstall_keeps_the_values_the_site_set()
        {
            PackagesConfigSite site = Site("Mvc5");
            site.Install(package.Nupkg);
            AssertInstalled(site, NoValues);

            var values = new Dictionary<string, string>
            {
                ["matomo:DomainPath"] = "stats.example.com",
                ["matomo:SiteId"] = "7",
                ["analytical:TrustedProxies"] = "10.0.0.0/8",
            };
            EditSettings(site, values);
            AssertInstalled(site, values);

            site.Update(package.UpdateNupkg);
            Assert.That(site.InstalledPackages(), Is.EqualTo(new[] { "Matomo.Mvc5 " + UpdateVersion }));
            Assert.That(site.References, Is.EqualTo(new[] { "Matomo.Mvc5.dll" }));
            SiteConfiguration updated = AssertInstalled(site, values);
            AssertLibraryAccepts(updated);

            site.Uninstall("Matomo.Mvc5");
            SiteConfiguration uninstalled = Read(site);
            Assert.That(uninstalled.AppSettings.Where(s => s.Key.Contains(":") && !s.Key.StartsWith("webpages:")),
                Is.EquivalentTo(values), "the settings the site filled in stay; the empty ones go");
            Assert.That(uninstalled.MatomoModules, Is.Empty);
            Assert.That(uninstalled.Validation, Is.Empty, "the install added it, nothing else needs it");
            Assert.That(uninstalled.ViewNamespaces, Has.None.EqualTo("Matomo.Mvc5"));

            XDocument rest = XDocument.Load(site.WebConfig);
            rest.Root.Element("appSettings").Elements("add").Where(a => values.ContainsKey((string)a.Attribute("key"))).Remove();
            Assert.That(Normalized(rest), Is.EqualTo(Normalized(Path.Combine(StockSites, "Mvc5", "Web.config"))),
                "apart from the settings the site filled in, the stock Web.config");
        }

        [TestCaseSource(nameof(Sites))]
        public void Reinstalling_keeps_the_values_and_adds_nothing_twice(string stock)
        {
            PackagesConfigSite site = Site(stock);
            site.Install(package.Nupkg);
            var values = new Dictionary<string, string> { ["matomo:DomainPath"] = "stats.example.com", ["matomo:SiteId"] = "7" };
            EditSettings(site, values);
            SiteConfiguration before = AssertInstalled(site, values);

            site.Reinstall(package.Nupkg);
            SiteConfiguration after = AssertInstalled(site, values);
            Assert.That(after.AppSettings, Is.EquivalentTo(before.AppSettings));
            Assert.That(after.AppSettingEntries, Is.EquivalentTo(before.AppSettingEntries));
            Assert.That(after.HttpModules, Is.EqualTo(before.HttpModules));
            Assert.That(after.IntegratedModules, Is.EqualTo(before.IntegratedModules));
            Assert.That(after.ViewNamespaces, Is.EqualTo(before.ViewNamespaces));
        }

        [Test]
        public void A_site_that_already_sets_the_keys_and_has_validation_keeps_them_through_install_update_and_uninstall()
        {
            PackagesConfigSite site = Site("Mvc5");
            XDocument web = XDocument.Load(site.WebConfig, LoadOptions.PreserveWhitespace);
            web.Root.Element("appSettings").Add(
                new XElement("add", new XAttribute("key", "matomo:DomainPath"), new XAttribute("value", "stats.example.com")),
                new XElement("add", new XAttribute("key", "matomo:SiteId"), new XAttribute("value", "4")),
                new XElement("add", new XAttribute("key", "matomo:DisableCookies"), new XAttribute("value", "true")));
            web.Root.Element("system.webServer").AddFirst(new XElement("validation", new XAttribute("validateIntegratedModeConfiguration", "false")));
            web.Save(site.WebConfig);
            string original = Normalized(site.WebConfig);
            var values = new Dictionary<string, string> { ["matomo:DomainPath"] = "stats.example.com", ["matomo:SiteId"] = "4", ["matomo:DisableCookies"] = "true" };

            site.Install(package.Nupkg);
            AssertInstalled(site, values);
            site.Update(package.UpdateNupkg);
            AssertInstalled(site, values);
            site.Uninstall("Matomo.Mvc5");

            Assert.That(Normalized(site.WebConfig), Is.EqualTo(original), "the site's settings and its validation element stay; nothing else is left");
            SiteConfiguration uninstalled = Read(site);
            Assert.That(uninstalled.Validation, Is.EqualTo(new[] { "false" }));
            Assert.That(uninstalled.MatomoModules, Is.Empty);
        }

        [Test]
        public void Uninstall_keeps_the_validation_element_while_system_web_registers_another_module()
        {
            PackagesConfigSite site = Site("Mvc5");
            site.Install(package.Nupkg);
            XDocument web = XDocument.Load(site.WebConfig, LoadOptions.PreserveWhitespace);
            web.Root.Element("system.web").Element("httpModules").Add(
                new XElement("add", new XAttribute("name", "Other"), new XAttribute("type", "Other.Module, Other")));
            web.Save(site.WebConfig);

            site.Uninstall("Matomo.Mvc5");
            SiteConfiguration uninstalled = Read(site);
            Assert.That(uninstalled.Validation, Is.EqualTo(new[] { "false" }), "IIS integrated mode still needs it for the other module");
            Assert.That(uninstalled.HttpModules, Does.Contain("Other=Other.Module, Other"));
            Assert.That(uninstalled.MatomoModules, Is.Empty);
        }

        [Test]
        public void Install_does_not_register_the_module_again_when_the_site_registers_its_type_under_another_name()
        {
            PackagesConfigSite site = Site("Mvc5IndividualAccounts");
            const string qualified = "Matomo.Mvc5.MatomoModule, Matomo.Mvc5, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null";
            XDocument web = XDocument.Load(site.WebConfig, LoadOptions.PreserveWhitespace);
            web.Root.Element("system.webServer").Element("modules").Add(
                new XElement("add", new XAttribute("name", "Matomo"), new XAttribute("type", qualified)));
            web.Save(site.WebConfig);

            site.Install(package.Nupkg);
            SiteConfiguration installed = Read(site);
            Assert.That(installed.MatomoModules, Is.EqualTo(new[] { "system.web " + ModuleEntry, "system.webServer Matomo=" + qualified }));

            site.Uninstall("Matomo.Mvc5");
            Assert.That(Read(site).MatomoModules, Is.Empty, "a registration of the package's module would stop the site once its assembly is gone");
            Assert.That(Normalized(site.WebConfig), Is.EqualTo(Normalized(Path.Combine(StockSites, "Mvc5IndividualAccounts", "Web.config"))));
        }

        [Test]
        public void A_site_without_a_Web_config_gets_one_from_the_transform_that_the_XDT_then_fills()
        {
            PackagesConfigSite site = Site("Mvc5");
            File.Delete(site.WebConfig);

            site.Install(package.Nupkg);
            AssertInstalled(site, NoValues);

            site.Uninstall("Matomo.Mvc5");
            XElement root = XDocument.Load(site.WebConfig).Root;
            Assert.That(root.Name.LocalName, Is.EqualTo("configuration"));
            Assert.That(root.Elements(), Is.Empty, "everything the install created is gone again");
        }

        [Test]
        public void The_library_accepts_the_settings_as_installed()
        {
            // A site that has just installed the package, settings still empty, must start.
            PackagesConfigSite site = Site("Mvc5");
            site.Install(package.Nupkg);
            AssertLibraryAccepts(Read(site));
        }

        [Test]
        public void Adds_only_settings_that_the_library_reads()
        {
            Type keys = LibraryType("Matomo.Mvc5.Configuration.MatomoSettings+Keys");
            string[] read = keys.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()).ToArray();
            Assert.That(PackageSettings, Is.SubsetOf(read));

            PackagesConfigSite site = Site("Mvc5");
            site.Install(package.Nupkg);
            Assert.That(Read(site).AppSettings.Keys.Where(k => k.StartsWith("matomo:") || k.StartsWith("analytical:")), Is.EquivalentTo(PackageSettings));
        }

        [Test]
        public void Registers_a_module_type_that_exists_and_imports_the_helper_namespace()
        {
            PackagesConfigSite site = Site("Mvc5");
            site.Install(package.Nupkg);
            SiteConfiguration installed = Read(site);
            foreach (string module in installed.MatomoModules)
            {
                string type = module.Substring(module.IndexOf('=') + 1);
                Type moduleType = Type.GetType(type, throwOnError: false);
                Assert.That(moduleType, Is.Not.Null, type);
                Assert.That(typeof(IHttpModule).IsAssignableFrom(moduleType), Is.True, type + " is an IHttpModule");
            }
            Assert.That(installed.ViewNamespaces, Does.Contain(LibraryType("Matomo.Mvc5.MatomoHtmlHelperExtensions").Namespace));
        }

        [Test]
        public void Content_files_hold_no_NuGet_tokens_and_the_transform_adds_nothing()
        {
            // NuGet replaces $name$ with a project property in every content file it transforms, comments included.
            foreach (string entry in PackedPackage.Entries(package.Nupkg).Where(e => e.StartsWith("content/", StringComparison.Ordinal)))
                Assert.That(PackedPackage.ReadText(package.Nupkg, entry), Does.Not.Contain("$"), entry);

            // A .transform appends every element whose attributes differ from the site's and its uninstall removes
            // elements the site had before: the one it ships is an empty root, there to create a missing Web.config.
            XElement transform = XElement.Parse(PackedPackage.ReadText(package.Nupkg, "content/Web.config.transform"));
            Assert.That(transform.Name.LocalName, Is.EqualTo("configuration"));
            Assert.That(transform.Nodes(), Is.Empty);
            Assert.That(transform.Attributes(), Is.Empty);
        }

        private static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>();

        private static string UpdateVersion => Path.GetFileNameWithoutExtension(PackedPackage.Get().UpdateNupkg).Substring("Matomo.Mvc5.".Length);

        private PackagesConfigSite Site(string stock) => PackagesConfigSite.CopyOf(Path.Combine(StockSites, stock), sites);

        private SiteConfiguration Read(PackagesConfigSite site) => SiteConfiguration.Read(site, scratch);

        private SiteConfiguration StockConfiguration(string stock) => Read(Site(stock));

        /// <summary>What an installed site must get: each of the package's settings once, with the given value or
        /// empty, the module once in each pipeline, the validation element once, the namespace once in the views.</summary>
        private SiteConfiguration AssertInstalled(PackagesConfigSite site, IReadOnlyDictionary<string, string> values)
        {
            SiteConfiguration configuration = Read(site);
            foreach (string key in PackageSettings)
            {
                Assert.That(configuration.AppSettings.TryGetValue(key, out string value), Is.True, key);
                Assert.That(value, Is.EqualTo(values.TryGetValue(key, out string expected) ? expected : ""), key);
            }
            Assert.That(configuration.AppSettingEntries, Is.Unique, "appSettings keys");
            Assert.That(configuration.MatomoModules, Is.EqualTo(new[] { "system.web " + ModuleEntry, "system.webServer " + ModuleEntry }));
            Assert.That(configuration.Validation, Is.EqualTo(new[] { "false" }),
                "IIS integrated mode accepts the system.web/httpModules registration only with this");
            Assert.That(configuration.ViewNamespaces.Count(n => n == "Matomo.Mvc5"), Is.EqualTo(1), "Views/Web.config namespaces");
            return configuration;
        }

        private void AssertLibraryAccepts(SiteConfiguration configuration)
        {
            var appSettings = new NameValueCollection();
            foreach (KeyValuePair<string, string> setting in configuration.AppSettings)
                appSettings.Add(setting.Key, setting.Value);
            MethodInfo fromAppSettings = LibraryType("Matomo.Mvc5.Configuration.MatomoSettings").GetMethod("FromAppSettings", new[] { typeof(NameValueCollection), typeof(string) });
            Assert.That(fromAppSettings, Is.Not.Null, "MatomoSettings.FromAppSettings(NameValueCollection, string)");
            Assert.That(() => fromAppSettings.Invoke(null, new object[] { appSettings, "/" }), Throws.Nothing);
        }

        private static void EditSettings(PackagesConfigSite site, IReadOnlyDictionary<string, string> values)
        {
            XDocument web = XDocument.Load(site.WebConfig, LoadOptions.PreserveWhitespace);
            foreach (KeyValuePair<string, string> value in values)
                web.Root.Element("appSettings").Elements("add").Single(a => (string)a.Attribute("key") == value.Key).SetAttributeValue("value", value.Value);
            web.Save(site.WebConfig);
        }

        /// <summary>Every element of <paramref name="before"/> is still in <paramref name="after"/>, at the same
        /// place in the hierarchy, with the same attributes.</summary>
        private static void AssertKeepsEveryElement(string before, string after)
        {
            List<string> remaining = XDocument.Load(after).Descendants().Select(Signature).ToList();
            foreach (string element in XDocument.Load(before).Descendants().Select(Signature))
                Assert.That(remaining.Remove(element), Is.True, "lost: " + element);
        }

        private static string Signature(XElement element) =>
            string.Join("/", element.AncestorsAndSelf().Reverse().Select(e => e.Name.LocalName)) +
            string.Concat(element.Attributes().Where(a => !a.IsNamespaceDeclaration).OrderBy(a => a.Name.ToString(), StringComparer.Ordinal)
                .Select(a => $"[@{a.Name.LocalName}='{a.Value}']"));

        private static Type LibraryType(string name)
        {
            Type type = Type.GetType(name + ", Matomo.Mvc5", throwOnError: false);
            Assert.That(type, Is.Not.Null, name + " in Matomo.Mvc5");
            return type;
        }

        /// <summary>The root element without whitespace-only text, for comparing structure and content.</summary>
        private static string Normalized(string path) => Normalized(XDocument.Load(path));

        private static string Normalized(XDocument document) =>
            XDocument.Parse(document.Root.ToString(SaveOptions.DisableFormatting), LoadOptions.None).Root.ToString(SaveOptions.DisableFormatting);
    }
}
