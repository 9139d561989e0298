using System;
using System.Collections.Generic;
using System.Configuration;
using System.IO;
using System.Linq;
using System.Web.Configuration;
using System.Web.WebPages.Razor.Configuration;
using System.Xml.Linq;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// What a site gets from its Web.config and Views/Web.config, read the way ASP.NET reads them: through
    /// System.Configuration (appSettings, system.web/httpModules, the Razor pages section's namespaces), which also
    /// refuses a collection entry added twice. The IIS-only system.webServer section, which System.Configuration does
    /// not interpret (Mono declares it ignored), is read from the XML as IIS does: its modules and validation element.
    /// </summary>
    internal sealed class SiteConfiguration
    {
        /// <summary>The module type the package registers.</summary>
        public const string ModuleType = "Matomo.Mvc5.MatomoModule, Matomo.Mvc5";

        private SiteConfiguration() { }

        /// <summary>The effective appSettings (for a key given twice, the last entry, as ASP.NET reads it).</summary>
        public IReadOnlyDictionary<string, string> AppSettings { get; private set; }

        /// <summary>The keys of the appSettings entries in the file, in order, repeats included.</summary>
        public string[] AppSettingEntries { get; private set; }

        /// <summary>system.web/httpModules (IIS classic mode, Mono) as "name=type", machine-level ones included.</summary>
        public string[] HttpModules { get; private set; }

        /// <summary>system.webServer/modules "add" entries (IIS integrated mode) as "name=type".</summary>
        public string[] IntegratedModules { get; private set; }

        /// <summary>The system.webServer/validation elements, as their validateIntegratedModeConfiguration values.</summary>
        public string[] Validation { get; private set; }

        /// <summary>The namespaces every view imports (Views/Web.config), null when the site has no Views/Web.config.</summary>
        public string[] ViewNamespaces { get; private set; }

        /// <summary>The MatomoModule registrations: system.web/httpModules and system.webServer/modules entries of
        /// <see cref="ModuleType"/>.</summary>
        public string[] MatomoModules =>
            HttpModules.Where(IsMatomoModule).Select(m => "system.web " + m)
                .Concat(IntegratedModules.Where(IsMatomoModule).Select(m => "system.webServer " + m)).ToArray();

        /// <summary>Reads the site's files; <paramref name="scratch"/> receives copies, so that nothing caches them.</summary>
        public static SiteConfiguration Read(PackagesConfigSite site, string scratch)
        {
            var web = Open(site.WebConfig, scratch);
            XDocument webXml = XDocument.Load(site.WebConfig);
            XElement webServer = webXml.Root.Element("system.webServer");

            var result = new SiteConfiguration
            {
                AppSettings = web.AppSettings.Settings.AllKeys.ToDictionary(k => k, k => web.AppSettings.Settings[k].Value),
                AppSettingEntries = webXml.Root.Elements("appSettings").Elements("add").Select(a => (string)a.Attribute("key")).ToArray(),
                HttpModules = ((HttpModulesSection)web.GetSection("system.web/httpModules")).Modules.Cast<HttpModuleAction>()
                    .Select(m => m.Name + "=" + m.Type).ToArray(),
                IntegratedModules = (webServer?.Elements("modules").Elements("add") ?? Enumerable.Empty<XElement>())
                    .Select(a => (string)a.Attribute("name") + "=" + (string)a.Attribute("type")).ToArray(),
                Validation = (webServer?.Elements("validation") ?? Enumerable.Empty<XElement>())
                    .Select(v => (string)v.Attribute("validateIntegratedModeConfiguration")).ToArray(),
            };

            if (File.Exists(site.ViewsWebConfig))
            {
                var views = Open(site.ViewsWebConfig, scratch);
                var pages = (RazorPagesSection)views.GetSection(RazorPagesSection.SectionName);
                result.ViewNamespaces = pages.Namespaces.Cast<NamespaceInfo>().Select(n => n.Namespace).ToArray();
            }
            return result;
        }

        private static bool IsMatomoModule(string entry) =>
            entry.Substring(entry.IndexOf('=') + 1).Replace(" ", "").StartsWith(ModuleType.Replace(" ", ""), StringComparison.Ordinal);

        private static System.Configuration.Configuration Open(string path, string scratch)
        {
            Directory.CreateDirectory(scratch);
            string copy = Path.Combine(scratch, Guid.NewGuid().ToString("N") + ".config");
            File.Copy(path, copy);
            return ConfigurationManager.OpenMappedExeConfiguration(new ExeConfigurationFileMap { ExeConfigFilename = copy }, ConfigurationUserLevel.None);
        }
    }
}
