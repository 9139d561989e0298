using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// What NuGet does with a package's <c>content/**/*.config.transform</c> file when the package is installed into,
    /// or uninstalled from, a packages.config project (Visual Studio, <c>Install-Package</c>), written from NuGet's
    /// documented rules ("Transforming source code and configuration files") and the behaviour of its XmlTransformer:
    /// <list type="bullet">
    /// <item>Install merges the transform's root into the config's root. For each child element of the transform,
    /// the best-matching sibling of the same name in the config is chosen (most attributes with equal name and value,
    /// then most attributes with equal name). If there is one and no attribute present on both has different values,
    /// the transform's missing attributes are added to it and the children are merged recursively; otherwise the
    /// transform's element is appended (a <c>configSections</c> element is inserted first instead). Existing
    /// attributes are never changed. Comments inside the transform are copied every time.</item>
    /// <item>Uninstall removes, recursively, the attributes equal to the transform's and the elements left without
    /// attributes and children; an element whose attributes conflict with the transform's is left alone.</item>
    /// </list>
    /// Where NuGet's choice between equally good matches is unspecified (an unstable sort), the first in document order wins.
    /// </summary>
    internal static class NuGetConfigTransform
    {
        /// <summary>Loads a config file as NuGet does: whitespace kept.</summary>
        public static XDocument LoadConfig(string path) => XDocument.Load(path, LoadOptions.PreserveWhitespace);

        /// <summary>Loads a transform as NuGet does: its root element, whitespace kept (the prolog and comments
        /// before the root are dropped).</summary>
        public static XElement LoadTransform(string path) => XElement.Parse(File.ReadAllText(path), LoadOptions.PreserveWhitespace);

        /// <summary>Installs: merges <paramref name="transform"/> into <paramref name="config"/>.</summary>
        public static void Install(XDocument config, XElement transform)
        {
            if (config.Root == null || config.Root.Name != transform.Name)
                throw new InvalidOperationException("NuGet merges only into a root element named " + transform.Name);
            Merge(config.Root, new XElement(transform));
        }

        /// <summary>Uninstalls: takes <paramref name="transform"/> out of <paramref name="config"/> (no other
        /// installed package transforms the same file).</summary>
        public static void Uninstall(XDocument config, XElement transform)
        {
            Remove(config.Root, new XElement(transform));
        }

        private static void Merge(XElement into, XElement from)
        {
            foreach (XAttribute attribute in from.Attributes())
            {
                if (into.Attribute(attribute.Name) == null)
                    into.Add(new XAttribute(attribute));
            }

            var comments = new List<XComment>();
            foreach (XNode node in from.Nodes())
            {
                if (node is XComment comment)
                {
                    comments.Add(comment);
                    continue;
                }
                if (!(node is XElement child))
                    continue;

                XElement match = BestMatch(into, child);
                if (match != null)
                    InsertBefore(match, comments);
                if (match != null && !Conflicts(match, child))
                {
                    Merge(match, child);
                }
                else if (child.Name == "configSections")
                {
                    into.AddFirst(new XElement(child));
                }
                else
                {
                    var added = new XElement(child);
                    into.Add(added);
                    InsertBefore(added, comments);
                }
            }
            foreach (XComment comment in comments)
                into.Add(new XComment(comment));
        }

        private static void InsertBefore(XElement element, List<XComment> comments)
        {
            foreach (XComment comment in comments)
                element.AddBeforeSelf(new XComment(comment));
            comments.Clear();
        }

        private static void Remove(XElement from, XElement transform)
        {
            foreach (XAttribute attribute in from.Attributes().ToList())
            {
                XAttribute other = transform.Attribute(attribute.Name);
                if (other != null && other.Value == attribute.Value)
                    attribute.Remove();
            }

            foreach (XNode node in from.Nodes().ToList())
            {
                if (node is XComment comment)
                {
                    if (transform.Nodes().OfType<XComment>().Any(c => c.Value == comment.Value))
                        comment.Remove();
                    continue;
                }
                if (!(node is XElement child))
                    continue;

                XElement match = BestMatch(transform, child);
                if (match == null || Conflicts(child, match))
                    continue;
                Remove(child, match);
                if (!child.HasAttributes && !child.HasElements)
                {
                    child.Remove();
                    match.Remove();
                }
            }
        }

        /// <summary>The element among <paramref name="parent"/>'s children named like <paramref name="like"/> that
        /// shares the most attributes (name and value) with it, then the most attribute names.</summary>
        private static XElement BestMatch(XElement parent, XElement like)
        {
            return parent.Elements(like.Name)
                .Select((e, index) => new
                {
                    Element = e,
                    Index = index,
                    Equal = e.Attributes().Count(a => like.Attribute(a.Name)?.Value == a.Value),
                    SameName = e.Attributes().Count(a => like.Attribute(a.Name) != null),
                })
                .OrderByDescending(c => c.Equal).ThenByDescending(c => c.SameName).ThenBy(c => c.Index)
                .Select(c => c.Element)
                .FirstOrDefault();
        }

        /// <summary>True when an attribute present on both has different values.</summary>
        private static bool Conflicts(XElement existing, XElement incoming)
        {
            return incoming.Attributes().Any(a => existing.Attribute(a.Name) is XAttribute e && e.Value != a.Value);
        }
    }
}
