using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>What is inside the freshly packed Matomo.Mvc5.nupkg.</summary>
    [TestFixture]
    public class PackageContentTests
    {
        private PackedPackage package;
        private XElement metadata;
        private XNamespace ns;

        [OneTimeSetUp]
        public void Pack()
        {
            package = PackedPackage.Get();
            XElement nuspec = XElement.Parse(ReadText("Matomo.Mvc5.nuspec"));
            ns = nuspec.Name.Namespace;
            metadata = nuspec.Element(ns + "metadata");
        }

        [Test]
        public void Holds_the_library_its_documentation_both_transforms_and_the_readme()
        {
            string[] files;
            using (ZipArchive zip = ZipFile.OpenRead(package.Nupkg))
            {
                files = zip.Entries.Select(e => e.FullName)
                    .Where(n => n != "[Content_Types].xml" && !n.StartsWith("_rels/") && !n.StartsWith("package/"))
                    .OrderBy(n => n, StringComparer.Ordinal).ToArray();
            }
            Assert.That(files, Is.EqualTo(new[]
            {
                "Matomo.Mvc5.nuspec",
                "README.md",
                "content/Views/Web.config.transform",
                "content/Web.config.transform",
                "lib/net462/Matomo.Mvc5.dll",
                "lib/net462/Matomo.Mvc5.xml",
            }));
        }

        [Test]
        public void Depends_on_Microsoft_AspNet_Mvc_5_for_net462()
        {
            XElement[] groups = metadata.Element(ns + "dependencies").Elements(ns + "group").ToArray();
            Assert.That(groups.Select(g => (string)g.Attribute("targetFramework")), Is.EqualTo(new[] { ".NETFramework4.6.2" }));
            Assert.That(groups[0].Elements(ns + "dependency").Select(d => $"{d.Attribute("id").Value} {d.Attribute("version").Value}"),
                Is.EqualTo(new[] { "Microsoft.AspNet.Mvc [5.2.3, 6.0.0)" }));
        }

        [Test]
        public void Names_id_version_MIT_license_and_readme()
        {
            Assert.That(metadata.Element(ns + "id").Value, Is.EqualTo("Matomo.Mvc5"));
            Assert.That(metadata.Element(ns + "version").Value, Is.EqualTo(PackedPackage.ManifestVersion));
            XElement license = metadata.Element(ns + "license");
            Assert.That((string)license?.Attribute("type"), Is.EqualTo("expression"));
            Assert.That(license.Value, Is.EqualTo("MIT"));
            Assert.That(metadata.Element(ns + "readme")?.Value, Is.EqualTo("README.md"));
            Assert.That(metadata.Element(ns + "description")?.Value, Does.Contain("MVC 5"));
        }

        [Test]
        public void Carries_the_repository_transforms_and_readme_unchanged()
        {
            string root = PackedPackage.RepositoryRoot;
            Assert.That(ReadText("content/Web.config.transform"), Is.EqualTo(File.ReadAllText(Path.Combine(root, "Web.config.transform"))));
            Assert.That(ReadText("content/Views/Web.config.transform"),
                Is.EqualTo(File.ReadAllText(Path.Combine(root, "Matomo.Mvc5", "content", "Views", "Web.config.transform"))));
            Assert.That(ReadText("README.md"), Is.EqualTo(File.ReadAllText(Path.Combine(root, "README.md"))));
        }

        [Test]
        public void Carries_the_library_these_tests_ran_against()
        {
            byte[] tested = File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "Matomo.Mvc5.dll"));
            Assert.That(ReadBytes("lib/net462/Matomo.Mvc5.dll"), Is.EqualTo(tested),
                "the packed Matomo.Mvc5.dll differs from the one the tests loaded: rebuild, the package was made from other sources");
        }

        [Test]
        public void Documentation_covers_the_public_entry_points()
        {
            XElement doc = XElement.Parse(ReadText("lib/net462/Matomo.Mvc5.xml"));
            string[] members = doc.Element("members").Elements("member").Select(m => (string)m.Attribute("name")).ToArray();
            Assert.That(doc.Element("assembly").Element("name").Value, Is.EqualTo("Matomo.Mvc5"));
            Assert.That(members, Does.Contain("T:Matomo.Mvc5.MatomoHtmlHelperExtensions"));
            Assert.That(members, Does.Contain("T:Matomo.Mvc5.MatomoModule"));
        }

        private byte[] ReadBytes(string entry)
        {
            using (ZipArchive zip = ZipFile.OpenRead(package.Nupkg))
            using (Stream stream = zip.GetEntry(entry)?.Open() ?? throw new AssertionException(entry + " is not in the package"))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                return copy.ToArray();
            }
        }

        private string ReadText(string entry)
        {
            using (var reader = new StreamReader(new MemoryStream(ReadBytes(entry))))
                return reader.ReadToEnd();
        }
    }
}
