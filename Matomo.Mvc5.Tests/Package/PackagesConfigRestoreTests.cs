using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// The repository's top-level packages.config is the manifest of a packages.config-style MVC 5 site; nuget.exe
    /// restores it from a local feed holding the freshly packed Matomo.Mvc5, and the files land where Visual Studio
    /// looks for them: <c>packages/Id.Version/lib/net462</c> for the reference (HintPath) and its IntelliSense
    /// documentation, <c>packages/Id.Version/content</c> for the files and transforms applied on install.
    /// </summary>
    [TestFixture]
    public class PackagesConfigRestoreTests
    {
        private PackedPackage package;
        private string matomoFolder;

        [OneTimeSetUp]
        public void PackAndRestore()
        {
            package = PackedPackage.Get();
            matomoFolder = Path.Combine(package.PackagesFolder, "Matomo.Mvc5." + PackedPackage.ManifestVersion);
        }

        [Test]
        public void Restores_every_package_that_packages_config_lists()
        {
            foreach (XElement entry in XDocument.Load(PackedPackage.PackagesConfig).Root.Elements("package"))
            {
                string idVersion = entry.Attribute("id").Value + "." + entry.Attribute("version").Value;
                Assert.That(Path.Combine(package.PackagesFolder, idVersion, idVersion + ".nupkg"), Does.Exist,
                    idVersion + " was not restored; nuget.exe said:\n" + package.RestoreOutput);
            }
        }

        [Test]
        public void Restores_Matomo_Mvc5_from_the_fresh_package()
        {
            string restored = Path.Combine(matomoFolder, "Matomo.Mvc5." + PackedPackage.ManifestVersion + ".nupkg");
            Assert.That(File.ReadAllBytes(restored), Is.EqualTo(File.ReadAllBytes(package.Nupkg)));
        }

        [Test]
        public void Puts_the_assembly_and_its_documentation_where_the_HintPath_points()
        {
            // What Visual Studio writes into a net48 site's .csproj when it installs the package.
            string hintPath = @"..\packages\Matomo.Mvc5." + PackedPackage.ManifestVersion + @"\lib\net462\Matomo.Mvc5.dll";
            string site = Path.Combine(Path.GetDirectoryName(package.PackagesFolder), "Site");
            string dll = Path.GetFullPath(Path.Combine(site, hintPath.Replace('\\', Path.DirectorySeparatorChar)));
            Assert.That(dll, Does.Exist);
            Assert.That(Path.ChangeExtension(dll, ".xml"), Does.Exist, "IntelliSense reads the .xml beside the .dll");
            Assert.That(Directory.GetDirectories(Path.Combine(matomoFolder, "lib")).Select(Path.GetFileName), Is.EqualTo(new[] { "net462" }),
                "one lib folder, which every .NET Framework 4.6.2 to 4.8 site picks");
        }

        [Test]
        public void Puts_the_site_transforms_in_content_and_the_readme_at_the_top()
        {
            string content = Path.Combine(matomoFolder, "content");
            Assert.That(Directory.GetFiles(content, "*", SearchOption.AllDirectories).Select(f => f.Substring(content.Length + 1).Replace('\\', '/'))
                    .OrderBy(f => f, StringComparer.Ordinal),
                Is.EqualTo(new[]
                {
                    "Views/Web.config.install.xdt", "Views/Web.config.uninstall.xdt",
                    "Web.config.install.xdt", "Web.config.transform", "Web.config.uninstall.xdt",
                }));
            // Visual Studio opens packages/Id.Version/readme.txt after installing the package into a packages.config project.
            Assert.That(Path.Combine(matomoFolder, "readme.txt"), Does.Exist);
        }

        [Test]
        public void Lists_an_MVC_5_that_the_package_dependency_accepts()
        {
            XElement mvc = XDocument.Load(PackedPackage.PackagesConfig).Root.Elements("package")
                .Single(p => (string)p.Attribute("id") == "Microsoft.AspNet.Mvc");
            string range = package.ReadNuspec().Descendants().Single(e => e.Name.LocalName == "dependency"
                && (string)e.Attribute("id") == "Microsoft.AspNet.Mvc").Attribute("version").Value;
            // [min, max): the only form this package uses.
            string[] bounds = range.Trim('[', ')').Split(',').Select(b => b.Trim()).ToArray();
            Assert.That(range, Does.StartWith("[").And.EndWith(")"));
            var version = new Version(mvc.Attribute("version").Value);
            Assert.That(version, Is.GreaterThanOrEqualTo(new Version(bounds[0])).And.LessThan(new Version(bounds[1])));
        }
    }
}
