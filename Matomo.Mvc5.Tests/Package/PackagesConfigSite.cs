extern alias NuGetExe;

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Xml.Linq;
using NUnit.Framework;
using NuGetExe::NuGet.Packaging;
using NuGetExe::NuGet.Packaging.Core;
using NuGetExe::NuGet.ProjectManagement;
using NuGetExe::NuGet.Protocol.Core.Types;
using NuGetExe::NuGet.Versioning;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// A packages.config MVC 5 site in a folder of its own (its Web.config and Views/Web.config, a packages/ folder
    /// beside it), into which packages are installed, updated and uninstalled by NuGet's own code: nuget.exe's
    /// <see cref="MSBuildNuGetProject"/>, which Visual Studio's package manager drives for such a project. It picks the
    /// package's content files and applies them with NuGet's transformers: <c>*.transform</c> with
    /// <see cref="XmlTransformer"/>, <c>*.install.xdt</c> on install and <c>*.uninstall.xdt</c> on uninstall with
    /// <see cref="XdtTransformer"/> (the XDT engine, Microsoft.Web.XmlTransform).
    /// Every operation fails the test if NuGet reported a warning or an error, since NuGet only logs a transform that
    /// fails on uninstall.
    /// </summary>
    internal sealed class PackagesConfigSite
    {
        private readonly FolderProjectSystem projectSystem;
        private readonly MSBuildNuGetProject project;
        private readonly RecordingProjectContext context = new RecordingProjectContext();

        private PackagesConfigSite(string root)
        {
            Root = root;
            Folder = Path.Combine(root, "Site");
            Directory.CreateDirectory(Folder);
            projectSystem = new FolderProjectSystem(Folder, "net48");
            project = new MSBuildNuGetProject(projectSystem.Object, Path.Combine(root, "packages"), Folder);
        }

        /// <summary>A site made of copies of <paramref name="stockSite"/>'s Web.config and Views/Web.config (the files
        /// that exist), in a new folder under <paramref name="parent"/>.</summary>
        public static PackagesConfigSite CopyOf(string stockSite, string parent)
        {
            var site = new PackagesConfigSite(Path.Combine(parent, Path.GetFileName(stockSite) + "-" + Guid.NewGuid().ToString("N").Substring(0, 8)));
            foreach (string file in new[] { "Web.config", Path.Combine("Views", "Web.config") })
            {
                string source = Path.Combine(stockSite, file);
                if (!File.Exists(source))
                    continue;
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(site.Folder, file)));
                File.Copy(source, Path.Combine(site.Folder, file));
            }
            return site;
        }

        /// <summary>The folder holding the site and its packages/ folder.</summary>
        public string Root { get; }

        /// <summary>The site's folder (the project folder).</summary>
        public string Folder { get; }

        public string WebConfig => Path.Combine(Folder, "Web.config");

        public string ViewsWebConfig => Path.Combine(Folder, "Views", "Web.config");

        /// <summary>The assembly references the site's project has.</summary>
        public IReadOnlyList<string> References => projectSystem.References;

        /// <summary>Everything NuGet reported so far.</summary>
        public IReadOnlyList<string> Messages => context.Messages;

        /// <summary>The packages the site's packages.config lists, as "Id Version".</summary>
        public string[] InstalledPackages()
        {
            string packagesConfig = Path.Combine(Folder, "packages.config");
            if (!File.Exists(packagesConfig))
                return new string[0];
            return XDocument.Load(packagesConfig).Root.Elements("package")
                .Select(p => p.Attribute("id").Value + " " + p.Attribute("version").Value).ToArray();
        }

        /// <summary>Install-Package from a .nupkg file.</summary>
        public void Install(string nupkg)
        {
            PackageIdentity identity = IdentityOf(nupkg);
            Run("install " + identity, () =>
            {
                using (FileStream stream = File.OpenRead(nupkg))
                using (var download = new DownloadResourceResult(stream, Path.GetDirectoryName(nupkg)))
                {
                    context.ActionType = NuGetActionType.Install;
                    return project.InstallPackageAsync(identity, download, context, CancellationToken.None).GetAwaiter().GetResult();
                }
            });
        }

        /// <summary>Uninstall-Package of the installed version of <paramref name="id"/>.</summary>
        public void Uninstall(string id)
        {
            PackageIdentity identity = Installed(id);
            Run("uninstall " + identity, () =>
            {
                context.ActionType = NuGetActionType.Uninstall;
                return project.UninstallPackageAsync(identity, context, CancellationToken.None).GetAwaiter().GetResult();
            });
        }

        /// <summary>Update-Package to the version in <paramref name="nupkg"/>, as NuGet's package manager updates a
        /// packages.config project: it uninstalls the installed version, then installs the new one.</summary>
        public void Update(string nupkg)
        {
            PackageIdentity to = IdentityOf(nupkg);
            PackageIdentity from = Installed(to.Id);
            Assert.That(to.Version, Is.GreaterThan(from.Version), "an update goes to a higher version");
            Uninstall(to.Id);
            Install(nupkg);
        }

        /// <summary>Update-Package -Reinstall: uninstalls the installed version and installs it again from
        /// <paramref name="nupkg"/>.</summary>
        public void Reinstall(string nupkg)
        {
            PackageIdentity identity = IdentityOf(nupkg);
            Assert.That(Installed(identity.Id), Is.EqualTo(identity), "reinstall installs the same version again");
            Uninstall(identity.Id);
            Install(nupkg);
        }

        private void Run(string operation, Func<bool> action)
        {
            context.ClearProblems();
            bool done = action();
            Assert.That(done, Is.True, "NuGet did not " + operation + ":\n" + string.Join("\n", context.Messages));
            Assert.That(context.Problems, Is.Empty, "NuGet reported problems during " + operation);
        }

        private PackageIdentity Installed(string id)
        {
            string entry = InstalledPackages().SingleOrDefault(p => p.StartsWith(id + " ", StringComparison.OrdinalIgnoreCase));
            Assert.That(entry, Is.Not.Null, id + " is not in the site's packages.config");
            return new PackageIdentity(id, NuGetVersion.Parse(entry.Substring(id.Length + 1)));
        }

        private static PackageIdentity IdentityOf(string nupkg)
        {
            using (var reader = new PackageArchiveReader(nupkg))
                return reader.GetIdentity();
        }
    }
}
