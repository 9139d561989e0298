using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Configuration;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Web;
using System.Web.Configuration;
using System.Xml.Linq;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// Installing the restored package into stock MVC 5 sites: its two <c>.transform</c> files, taken from the restored
    /// <c>packages/Matomo.Mvc5.X/content</c> folder, are applied to each site's Web.config and Views/Web.config the way
    /// NuGet applies them (<see cref="NuGetConfigTransform"/>).
    /// </summary>
    [TestFixture]
    public class PackageInstallTests
    {
        private const string ModuleType = "Matomo.Mvc5.MatomoModule, Matomo.Mvc5";
        private static readonly string StockSites = Path.Combine(PackedPackage.RepositoryRoot, "Matomo.Mvc5.Tests", "Package", "StockSites");

        private XElement webConfigTransform;
        private XElement viewsTransform;
        private string scratch;

        public static IEnumerable<string> Sites() =>
            Directory.GetDirectories(Path.Combine(PackedPackage.RepositoryRoot, "Matomo.Mvc5.Tests", "Package", "StockSites"))
                .Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal);

        [OneTimeSetUp]
        public void Restore()
        {
            PackedPackage package = PackedPackage.Get();
            string content = Path.Combine(package.PackagesFolder, "Matomo.Mvc5." + PackedPackage.ManifestVersion, "content");
            webConfigTransform = NuGetConfigTransform.LoadTransform(Path.Combine(content, "Web.config.transform"));
            viewsTransform = NuGetConfigTransform.LoadTransform(Path.Combine(content, "Views", "Web.config.transform"));
            scratch = Path.Combine(Path.GetDirectoryName(package.PackagesFolder), "installed");
            Directory.CreateDirectory(scratch);
        }

        [Test]
        public void There_are_stock_sites_to_install_into()
        {
            Assert.That(Sites(), Is.EquivalentTo(new[] { "Mvc5", "Mvc5IndividualAccounts" }));
        }

        [TestCaseSource(nameof(Sites))]
        public void Registers_the_module_once_for_each_pipeline(string site)
        {
            XElement root = Installed(site).Root;
            XElement[] integrated = root.Elements("system.webServer").Elements("modules").Elements("add")
                .Where(a => (string)a.Attribute("name") == "MatomoModule").ToArray();
            XElement[] classic = root.Elements("system.web").Elements("httpModules").Elements("add")
                .Where(a => (string)a.Attribute("name") == "MatomoModule").ToArray();

            Assert.That(integrated.Select(a => (string)a.Attribute("type")), Is.EqualTo(new[] { ModuleType }), "system.webServer/modules");
            Assert.That(classic.Select(a => (string)a.Attribute("type")), Is.EqualTo(new[] { ModuleType }), "system.web/httpModules");
            Assert.That(root.Elements("system.webServer").Elements("modules").Count(), Is.EqualTo(1), "one modules element");
            Assert.That(root.Elements("system.web").Count(), Is.EqualTo(1), "one system.web element");
            Assert.That(root.Elements("system.webServer").Count(), Is.EqualTo(1), "one system.webServer element");
            Assert.That(root.Elements("system.webServer").Elements("validation").Select(v => (string)v.Attribute("validateIntegratedModeConfiguration")),
                Is.EqualTo(new[] { "false" }), "IIS integrated mode accepts the httpModules registration only with this");
        }

        [TestCaseSource(nameof(Sites))]
        public void Keeps_the_site_modules_and_adds_ours_after_them(string site)
        {
            XDocument stock = NuGetConfigTransform.LoadConfig(Path.Combine(StockSites, site, "Web.config"));
            string[] stockModules = stock.Root.Elements("system.webServer").Elements("modules").Elements()
                .Select(e => e.ToString(SaveOptions.DisableFormatting)).ToArray();
            string[] installedModules = Installed(site).Root.Elements("system.webServer").Elements("modules").Elements()
                .Select(e => e.ToString(SaveOptions.DisableFormatting)).ToArray();
            Assert.That(installedModules, Is.EqualTo(stockModules.Concat(new[] { $"<add name=\"MatomoModule\" type=\"{ModuleType}\" />" })));
        }

        [TestCaseSource(nameof(Sites))]
        public void Adds_each_setting_once_with_an_empty_value_and_keeps_the_site_settings(string site)
        {
            XDocument stock = NuGetConfigTransform.LoadConfig(Path.Combine(StockSites, site, "Web.config"));
            XElement[] settings = Installed(site).Root.Elements("appSettings").Single().Elements("add").ToArray();
            string[] stockSettings = stock.Root.Element("appSettings").Elements("add").Select(e => e.ToString()).ToArray();

            Assert.That(settings.Take(stockSettings.Length).Select(e => e.ToString()), Is.EqualTo(stockSettings));
            Assert.That(settings.Skip(stockSettings.Length).Select(e => $"{e.Attribute("key").Value}={e.Attribute("value").Value}"),
                Is.EqualTo(TransformKeys().Select(k => k + "=")));
            Assert.That(settings.Select(e => (string)e.Attribute("key")), Is.Unique);
        }

        [TestCaseSource(nameof(Sites))]
        public void Imports_the_namespace_into_the_views_once(string site)
        {
            XDocument views = InstalledViews(site);
            XElement[] namespaces = views.Root.Elements("system.web.webPages.razor").Elements("pages").Elements("namespaces").ToArray();
            Assert.That(namespaces, Has.Length.EqualTo(1));
            string[] imported = namespaces[0].Elements("add").Select(a => (string)a.Attribute("namespace")).ToArray();
            Assert.That(imported.Count(n => n == "Matomo.Mvc5"), Is.EqualTo(1));
            Assert.That(imported.Last(), Is.EqualTo("Matomo.Mvc5"));
            Assert.That(imported.Length, Is.EqualTo(7), "the template's six namespaces, then ours");
            Assert.That(views.Root.Elements("system.web.webPages.razor").Elements("pages").Single().Attribute("pageBaseType")?.Value,
                Is.EqualTo("System.Web.Mvc.WebViewPage"), "the site's attributes are untouched");
        }

        [TestCaseSource(nameof(Sites))]
        public void Installing_twice_changes_nothing(string site)
        {
            XDocument once = Installed(site);
            XDocument twice = new XDocument(once);
            NuGetConfigTransform.Install(twice, webConfigTransform);
            Assert.That(twice.ToString(SaveOptions.DisableFormatting), Is.EqualTo(once.ToString(SaveOptions.DisableFormatting)));

            XDocument viewsOnce = InstalledViews(site);
            XDocument viewsTwice = new XDocument(viewsOnce);
            NuGetConfigTransform.Install(viewsTwice, viewsTransform);
            Assert.That(viewsTwice.ToString(SaveOptions.DisableFormatting), Is.EqualTo(viewsOnce.ToString(SaveOptions.DisableFormatting)));
        }

        [TestCaseSource(nameof(Sites))]
        public void Uninstalling_gives_back_the_stock_files(string site)
        {
            XDocument config = Installed(site);
            NuGetConfigTransform.Uninstall(config, webConfigTransform);
            Assert.That(Normalized(config), Is.EqualTo(Normalized(NuGetConfigTransform.LoadConfig(Path.Combine(StockSites, site, "Web.config")))));

            XDocument views = InstalledViews(site);
            NuGetConfigTransform.Uninstall(views, viewsTransform);
            Assert.That(Normalized(views), Is.EqualTo(Normalized(NuGetConfigTransform.LoadConfig(Path.Combine(StockSites, site, "Views", "Web.config")))));
        }

        [Test]
        public void Updating_keeps_configured_values_but_appends_empty_duplicates_as_the_README_warns()
        {
            // Update = uninstall the old version, install the new one (same transform here).
            XDocument config = Installed("Mvc5");
            XElement settings = config.Root.Element("appSettings");
            settings.Elements("add").Single(a => (string)a.Attribute("key") == "matomo:SiteId").SetAttributeValue("value", "7");
            NuGetConfigTransform.Uninstall(config, webConfigTransform);
            NuGetConfigTransform.Install(config, webConfigTransform);

            string[] siteIds = settings.Elements("add").Where(a => (string)a.Attribute("key") == "matomo:SiteId")
                .Select(a => (string)a.Attribute("value")).ToArray();
            Assert.That(siteIds, Is.EqualTo(new[] { "7", "" }), "the configured entry stays; an empty one follows it, and the last one wins");
            Assert.That(settings.Elements("add").Count(a => (string)a.Attribute("key") == "matomo:DomainPath"), Is.EqualTo(1),
                "entries left as installed are replaced, not duplicated");
            Assert.That(OpenConfiguration(config, "updated").AppSettings.Settings["matomo:SiteId"].Value, Is.EqualTo(""));
        }

        [Test]
        public void Installed_Web_config_reads_as_configuration_with_empty_settings_and_the_module()
        {
            // Mono's System.Configuration and System.Web read the file the way the site will.
            Configuration configuration = OpenConfiguration(Installed("Mvc5"), "installed");

            foreach (string key in TransformKeys())
                Assert.That(configuration.AppSettings.Settings[key]?.Value, Is.EqualTo(""), key);
            var modules = (HttpModulesSection)configuration.GetSection("system.web/httpModules");
            Assert.That(modules.Modules.Cast<HttpModuleAction>().Where(m => m.Name == "MatomoModule").Select(m => m.Type),
                Is.EqualTo(new[] { ModuleType }));
        }

        [Test]
        public void The_library_accepts_the_settings_as_installed()
        {
            // A site that has just installed the package, settings still empty, must start.
            var appSettings = new NameValueCollection();
            foreach (XElement add in Installed("Mvc5").Root.Element("appSettings").Elements("add"))
                appSettings.Add(add.Attribute("key").Value, add.Attribute("value").Value);
            MethodInfo fromAppSettings = LibraryType("Matomo.Mvc5.MatomoSettings").GetMethod("FromAppSettings", new[] { typeof(NameValueCollection) });
            Assert.That(fromAppSettings, Is.Not.Null, "MatomoSettings.FromAppSettings(NameValueCollection)");
            Assert.That(() => fromAppSettings.Invoke(null, new object[] { appSettings }), Throws.Nothing);
        }

        [Test]
        public void Adds_only_settings_that_the_library_reads()
        {
            Type keys = LibraryType("Matomo.Mvc5.MatomoSettings+Keys");
            string[] read = keys.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()).ToArray();
            Assert.That(TransformKeys(), Is.SubsetOf(read));
            Assert.That(TransformKeys(), Is.SupersetOf(new[]
            {
                "matomo:DomainPath", "matomo:SiteId", "matomo:DisableCookies", "matomo:InternalIps",
                "analytical:InternalIps", "analytical:AutoIdentify", "analytical:TrustedProxies",
            }));
        }

        [Test]
        public void Registers_a_module_type_that_exists_and_imports_the_helper_namespace()
        {
            foreach (string type in webConfigTransform.Descendants("add").Select(a => (string)a.Attribute("type")).Where(t => t != null))
            {
                Type module = Type.GetType(type, throwOnError: false);
                Assert.That(module, Is.Not.Null, type);
                Assert.That(typeof(IHttpModule).IsAssignableFrom(module), Is.True, type + " is an IHttpModule");
            }
            string imported = (string)viewsTransform.Descendants("add").Single().Attribute("namespace");
            Assert.That(LibraryType("Matomo.Mvc5.MatomoHtmlHelperExtensions").Namespace, Is.EqualTo(imported));
        }

        [Test]
        public void Transforms_hold_nothing_that_NuGet_would_rewrite_or_repeat()
        {
            // $name$ is replaced by a project property on install; comments inside the root are copied on every install.
            foreach (XElement transform in new[] { webConfigTransform, viewsTransform })
            {
                Assert.That(transform.ToString(), Does.Not.Contain("$"));
                Assert.That(transform.DescendantNodes().OfType<XComment>(), Is.Empty);
            }
        }

        private XDocument Installed(string site)
        {
            XDocument config = NuGetConfigTransform.LoadConfig(Path.Combine(StockSites, site, "Web.config"));
            NuGetConfigTransform.Install(config, webConfigTransform);
            return config;
        }

        private XDocument InstalledViews(string site)
        {
            XDocument config = NuGetConfigTransform.LoadConfig(Path.Combine(StockSites, site, "Views", "Web.config"));
            NuGetConfigTransform.Install(config, viewsTransform);
            return config;
        }

        private Configuration OpenConfiguration(XDocument config, string name)
        {
            string path = Path.Combine(scratch, name + ".Web.config");
            config.Save(path);
            return ConfigurationManager.OpenMappedExeConfiguration(new ExeConfigurationFileMap { ExeConfigFilename = path }, ConfigurationUserLevel.None);
        }

        private string[] TransformKeys() =>
            webConfigTransform.Element("appSettings").Elements("add").Select(a => a.Attribute("key").Value).ToArray();

        private static Type LibraryType(string name)
        {
            Type type = Type.GetType(name + ", Matomo.Mvc5", throwOnError: false);
            Assert.That(type, Is.Not.Null, name + " in Matomo.Mvc5");
            return type;
        }

        /// <summary>The document without whitespace-only text, for comparing structure and content.</summary>
        private static string Normalized(XDocument document) =>
            XDocument.Parse(document.ToString(SaveOptions.DisableFormatting), LoadOptions.None).ToString(SaveOptions.DisableFormatting);
    }
}
