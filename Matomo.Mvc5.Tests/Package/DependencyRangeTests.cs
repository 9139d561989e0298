extern alias NuGetExe;

using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using NUnit.Framework;
using NuGetExe::NuGet.Versioning;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// The packed DLL's assembly references against the package's declared dependencies: a site that installs the
    /// lowest versions the dependency ranges allow must get every assembly the DLL references, at the version it was
    /// compiled against or later. Otherwise NuGet leaves such a site on its older MVC, whose binding redirect cannot
    /// satisfy the reference, and the site fails to load the assembly. Every other reference must be an assembly of
    /// .NET Framework 4.6.2, the package's target.
    /// </summary>
    [TestFixture]
    public class DependencyRangeTests
    {
        /// <summary>The package that brings each assembly a site gets from NuGet rather than from .NET Framework.</summary>
        private static readonly IReadOnlyDictionary<string, string> PackageOfAssembly = new Dictionary<string, string>
        {
            ["System.Web.Mvc"] = "Microsoft.AspNet.Mvc",
            ["System.Web.WebPages"] = "Microsoft.AspNet.WebPages",
            ["System.Web.WebPages.Deployment"] = "Microsoft.AspNet.WebPages",
            ["System.Web.WebPages.Razor"] = "Microsoft.AspNet.WebPages",
            ["System.Web.Helpers"] = "Microsoft.AspNet.WebPages",
            ["System.Web.Razor"] = "Microsoft.AspNet.Razor",
            ["Microsoft.Web.Infrastructure"] = "Microsoft.Web.Infrastructure",
        };

        private PackedPackage package;
        private AssemblyName[] references;
        private Dictionary<string, VersionRange> dependencies;

        [OneTimeSetUp]
        public void ReadPackage()
        {
            package = PackedPackage.Get();
            references = ReferencesOf(PackedPackage.ReadBytes(package.Nupkg, "lib/net462/Matomo.Mvc5.dll"));
            XElement nuspec = package.ReadNuspec();
            XElement[] groups = nuspec.Descendants(nuspec.Name.Namespace + "group").ToArray();
            Assert.That(groups.Select(g => (string)g.Attribute("targetFramework")), Is.EqualTo(new[] { ".NETFramework4.6.2" }), "one dependency group, for lib/net462");
            dependencies = DependenciesOf(groups[0]);
        }

        [Test]
        public void Depends_on_Microsoft_AspNet_Mvc_5_from_the_version_compiled_against()
        {
            Assert.That(dependencies.Keys, Is.EqualTo(new[] { "Microsoft.AspNet.Mvc" }));
            VersionRange mvc = dependencies["Microsoft.AspNet.Mvc"];
            AssemblyName systemWebMvc = references.Single(r => r.Name == "System.Web.Mvc");
            Assert.That(systemWebMvc.Version, Is.EqualTo(new Version(5, 2, 6, 0)), "the MVC 5 the library is built against (Directory.Build.props)");
            Assert.That(mvc.MinVersion, Is.EqualTo(NuGetVersion.Parse("5.2.6")));
            Assert.That(mvc.IsMinInclusive, Is.True);
            Assert.That(mvc.MaxVersion, Is.EqualTo(NuGetVersion.Parse("6.0.0")));
            Assert.That(mvc.IsMaxInclusive, Is.False);
        }

        [Test]
        public void Every_reference_is_dot_NET_Framework_4_6_2_or_comes_from_a_dependency()
        {
            string frameworkFolder = typeof(DependencyRangeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "NetFramework462ReferenceAssemblies").Value;
            Assert.That(Path.Combine(frameworkFolder, "mscorlib.dll"), Does.Exist, "the .NET Framework 4.6.2 reference assemblies");
            foreach (AssemblyName reference in references)
            {
                if (PackageOfAssembly.ContainsKey(reference.Name))
                    continue;
                string framework = Path.Combine(frameworkFolder, reference.Name + ".dll");
                Assert.That(framework, Does.Exist,
                    reference.FullName + " is neither in .NET Framework 4.6.2 nor known to come from a package: add its package to " + nameof(PackageOfAssembly));
                Assert.That(AssemblyName.GetAssemblyName(framework).Version, Is.GreaterThanOrEqualTo(reference.Version), reference.FullName);
            }
        }

        [Test]
        public void The_lowest_versions_the_dependencies_allow_ship_every_referenced_assembly_at_its_version_or_later()
        {
            // The site's packages.config restore (PackedPackage) brings the versions packages.config lists: those are the
            // packages whose assemblies can be read here.
            foreach (AssemblyName reference in references.Where(r => PackageOfAssembly.ContainsKey(r.Name)))
            {
                string id = PackageOfAssembly[reference.Name];
                NuGetVersion lowest = LowestAllowed(id, new HashSet<string>());
                Assert.That(lowest, Is.Not.Null,
                    $"{reference.FullName} comes from {id}, which is neither a dependency of the package nor of its dependencies");
                string dll = Path.Combine(RestoredFolder(id, lowest), "lib", "net45", reference.Name + ".dll");
                Version shipped = AssemblyName.GetAssemblyName(dll).Version;
                Assert.That(shipped, Is.GreaterThanOrEqualTo(reference.Version),
                    $"{id} {lowest}, the lowest version the package's dependencies allow, ships {reference.Name} {shipped}; the DLL references {reference.Version}");
            }
        }

        /// <summary>The lowest version of <paramref name="id"/> a site gets: the minimum of the package's own range for
        /// it, else of the range a dependency declares, that dependency taken at its own lowest version.</summary>
        private NuGetVersion LowestAllowed(string id, HashSet<string> seen)
        {
            if (dependencies.TryGetValue(id, out VersionRange direct))
                return direct.MinVersion;
            foreach (KeyValuePair<string, VersionRange> dependency in dependencies)
            {
                NuGetVersion found = LowestThrough(dependency.Key, dependency.Value.MinVersion, id, seen);
                if (found != null)
                    return found;
            }
            return null;
        }

        private NuGetVersion LowestThrough(string parentId, NuGetVersion parentVersion, string id, HashSet<string> seen)
        {
            if (!seen.Add(parentId + " " + parentVersion))
                return null;
            Dictionary<string, VersionRange> ranges;
            using (ZipArchive zip = ZipFile.OpenRead(Path.Combine(RestoredFolder(parentId, parentVersion), $"{parentId}.{parentVersion}.nupkg")))
            using (Stream stream = zip.GetEntry(parentId + ".nuspec").Open())
            {
                XElement nuspec = XElement.Load(stream);
                XNamespace ns = nuspec.Name.Namespace;
                // These packages declare their dependencies without framework groups.
                ranges = nuspec.Descendants(ns + "dependencies").Single().Elements(ns + "dependency")
                    .ToDictionary(d => (string)d.Attribute("id"), d => VersionRange.Parse((string)d.Attribute("version")));
            }
            if (ranges.TryGetValue(id, out VersionRange range))
                return range.MinVersion;
            return ranges.Select(r => LowestThrough(r.Key, r.Value.MinVersion, id, seen)).FirstOrDefault(v => v != null);
        }

        private string RestoredFolder(string id, NuGetVersion version)
        {
            string folder = Path.Combine(package.PackagesFolder, id + "." + version.ToNormalizedString());
            Assert.That(folder, Does.Exist,
                $"{id} {version} is a lowest allowed version, but the site's packages.config restore did not bring it: " +
                "list it in packages.config (the registry here serves only some versions; the declared minimum must be one that can be checked)");
            return folder;
        }

        private static Dictionary<string, VersionRange> DependenciesOf(XElement group) =>
            group.Elements(group.Name.Namespace + "dependency")
                .ToDictionary(d => (string)d.Attribute("id"), d => VersionRange.Parse((string)d.Attribute("version")));

        /// <summary>The assembly references in a DLL's metadata.</summary>
        internal static AssemblyName[] ReferencesOf(byte[] dll)
        {
            using (var pe = new PEReader(new MemoryStream(dll)))
            {
                MetadataReader metadata = pe.GetMetadataReader();
                return metadata.AssemblyReferences.Select(h => metadata.GetAssemblyReference(h).GetAssemblyName()).ToArray();
            }
        }
    }
}
