using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>What is inside the freshly packed Matomo.Mvc5.nupkg: files and metadata.</summary>
    [TestFixture]
    public class PackageContentTests
    {
        /// <summary>The one URL of the project: package page, repository, SourceLink.</summary>
        public const string RepositoryUrl = "https://github.com/matomo-mvc5/Matomo.Mvc5";

        private PackedPackage package;
        private XElement metadata;
        private XNamespace ns;

        [OneTimeSetUp]
        public void Pack()
        {
            package = PackedPackage.Get();
            XElement nuspec = package.ReadNuspec();
            ns = nuspec.Name.Namespace;
            metadata = nuspec.Element(ns + "metadata");
        }

        [Test]
        public void Holds_the_library_its_documentation_the_site_transforms_the_readmes_and_the_license()
        {
            Assert.That(PackedPackage.Entries(package.Nupkg), Is.EqualTo(new[]
            {
                "LICENSE",
                "Matomo.Mvc5.nuspec",
                "PACKAGE.md",
                "content/Views/Web.config.install.xdt",
                "content/Views/Web.config.uninstall.xdt",
                "content/Web.config.install.xdt",
                "content/Web.config.transform",
                "content/Web.config.uninstall.xdt",
                "lib/net462/Matomo.Mvc5.dll",
                "lib/net462/Matomo.Mvc5.xml",
                "readme.txt",
            }), "the PDB goes into the symbols package, not here");
        }

        [Test]
        public void Names_id_version_description()
        {
            Assert.That(metadata.Element(ns + "id").Value, Is.EqualTo("Matomo.Mvc5"));
            Assert.That(metadata.Element(ns + "version").Value, Is.EqualTo(PackedPackage.ManifestVersion));
            Assert.That(metadata.Element(ns + "description")?.Value, Does.Contain("MVC 5"));
        }

        [Test]
        public void Declares_the_MIT_license_that_the_repository_LICENSE_grants()
        {
            XElement license = metadata.Element(ns + "license");
            Assert.That((string)license?.Attribute("type"), Is.EqualTo("expression"));
            Assert.That(license.Value, Is.EqualTo("MIT"));

            string text = File.ReadAllText(Path.Combine(PackedPackage.RepositoryRoot, "LICENSE"));
            Assert.That(text, Does.StartWith("MIT License"));
            // The operative sentences of the MIT license (https://opensource.org/license/mit), as in the SPDX text.
            Assert.That(Regex.Replace(text, @"\s+", " "), Does.Contain(
                "Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated " +
                "documentation files (the \"Software\"), to deal in the Software without restriction").And.Contain(
                "The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.").And.Contain(
                "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND"));
            Assert.That(text, Does.Match(@"Copyright \(c\) \d{4} \S"));
            Assert.That(PackedPackage.ReadText(package.Nupkg, "LICENSE"), Is.EqualTo(text), "the package carries the repository's LICENSE");
        }

        [Test]
        public void Names_the_project_and_the_repository_at_the_packed_commit()
        {
            Assert.That(metadata.Element(ns + "projectUrl")?.Value, Is.EqualTo(RepositoryUrl));
            XElement repository = metadata.Element(ns + "repository");
            Assert.That((string)repository?.Attribute("type"), Is.EqualTo("git"));
            Assert.That((string)repository.Attribute("url"), Is.EqualTo(RepositoryUrl));
            Assert.That((string)repository.Attribute("commit"), Is.EqualTo(GitHead()));
        }

        [Test]
        public void Release_notes_are_the_changelog_section_of_this_version_or_else_Unreleased()
        {
            string changelog = File.ReadAllText(Path.Combine(PackedPackage.RepositoryRoot, "CHANGELOG.md")).Replace("\r", "");
            string expected = ChangelogSection(changelog, PackedPackage.ManifestVersion) ?? ChangelogSection(changelog, "Unreleased");
            Assert.That(expected, Is.Not.Null.And.Not.Empty, "CHANGELOG.md has a section for " + PackedPackage.ManifestVersion + " or Unreleased");
            Assert.That(metadata.Element(ns + "releaseNotes")?.Value.Replace("\r", ""), Is.EqualTo(expected));
        }

        [Test]
        public void Package_readme_is_PACKAGE_md_written_for_NuGet_users_with_absolute_links_only()
        {
            Assert.That(metadata.Element(ns + "readme")?.Value, Is.EqualTo("PACKAGE.md"));
            string readme = PackedPackage.ReadText(package.Nupkg, "PACKAGE.md");
            Assert.That(readme, Is.EqualTo(File.ReadAllText(Path.Combine(PackedPackage.RepositoryRoot, "Matomo.Mvc5", "PACKAGE.md"))));
            Assert.That(readme, Does.Contain("@Html.Matomo()").And.Contain("matomo:DomainPath").And.Contain("matomo:SiteId"));

            // The package page shows the readme away from the repository: a relative link there leads nowhere.
            string[] targets = Regex.Matches(readme, @"\]\(([^)\s]+)").Cast<Match>().Select(m => m.Groups[1].Value)
                .Concat(Regex.Matches(readme, @"(?:href|src)=""([^""]+)""").Cast<Match>().Select(m => m.Groups[1].Value)).ToArray();
            Assert.That(targets, Has.All.StartWith("https://"), "links in PACKAGE.md");
            foreach (Match bare in Regex.Matches(readme, @"https?://\S+"))
                Assert.That(bare.Value, Does.StartWith("https://"), "links in PACKAGE.md");
        }

        [Test]
        public void Readme_txt_tells_the_one_remaining_step_after_a_packages_config_install()
        {
            // Visual Studio opens the package's root readme.txt after installing it into a packages.config project.
            string readme = PackedPackage.ReadText(package.Nupkg, "readme.txt");
            Assert.That(readme, Is.EqualTo(File.ReadAllText(Path.Combine(PackedPackage.RepositoryRoot, "Matomo.Mvc5", "readme.txt"))));
            Assert.That(readme, Does.Contain("@Html.Matomo()").And.Contain("_Layout.cshtml")
                .And.Contain("matomo:DomainPath").And.Contain("matomo:SiteId"));
        }

        [Test]
        public void Carries_the_repository_content_files_unchanged()
        {
            string root = PackedPackage.RepositoryRoot;
            Assert.That(PackedPackage.ReadText(package.Nupkg, "content/Web.config.transform"), Is.EqualTo(File.ReadAllText(Path.Combine(root, "Web.config.transform"))));
            foreach (string file in new[] { "Web.config.install.xdt", "Web.config.uninstall.xdt", "Views/Web.config.install.xdt", "Views/Web.config.uninstall.xdt" })
            {
                Assert.That(PackedPackage.ReadText(package.Nupkg, "content/" + file),
                    Is.EqualTo(File.ReadAllText(Path.Combine(root, "Matomo.Mvc5", "content", file))), file);
            }
        }

        [Test]
        public void Carries_the_library_these_tests_ran_against()
        {
            byte[] tested = File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "Matomo.Mvc5.dll"));
            Assert.That(PackedPackage.ReadBytes(package.Nupkg, "lib/net462/Matomo.Mvc5.dll"), Is.EqualTo(tested),
                "the packed Matomo.Mvc5.dll differs from the one the tests loaded: rebuild, the package was made from other sources");
        }

        [Test]
        public void Documentation_covers_the_public_entry_points()
        {
            XElement doc = XElement.Parse(PackedPackage.ReadText(package.Nupkg, "lib/net462/Matomo.Mvc5.xml"));
            string[] members = doc.Element("members").Elements("member").Select(m => (string)m.Attribute("name")).ToArray();
            Assert.That(doc.Element("assembly").Element("name").Value, Is.EqualTo("Matomo.Mvc5"));
            Assert.That(members, Does.Contain("T:Matomo.Mvc5.MatomoHtmlHelperExtensions"));
            Assert.That(members, Does.Contain("T:Matomo.Mvc5.MatomoModule"));
        }

        /// <summary>The text under "## <paramref name="heading"/>" (or "## [heading]", optionally followed by a date),
        /// up to the next "## " heading, trimmed; null if there is no such heading.</summary>
        internal static string ChangelogSection(string changelog, string heading)
        {
            string[] lines = changelog.Split('\n');
            int start = Array.FindIndex(lines, l => Regex.IsMatch(l, @"^## \[?" + Regex.Escape(heading) + @"\]?([ \t].*)?$"));
            if (start < 0)
                return null;
            int end = Array.FindIndex(lines, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
            return string.Join("\n", lines.Skip(start + 1).Take((end < 0 ? lines.Length : end) - start - 1)).Trim();
        }

        /// <summary>The commit the repository is at (git rev-parse HEAD).</summary>
        internal static string GitHead()
        {
            var start = new ProcessStartInfo("git", "rev-parse HEAD")
            {
                WorkingDirectory = PackedPackage.RepositoryRoot,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (Process git = Process.Start(start))
            {
                string head = git.StandardOutput.ReadToEnd().Trim();
                git.WaitForExit();
                Assert.That(git.ExitCode, Is.EqualTo(0), "git rev-parse HEAD in " + PackedPackage.RepositoryRoot + ": " + git.StandardError.ReadToEnd());
                return head;
            }
        }
    }
}
