using System;
using System.Collections.Generic;
using System.Linq;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Jint;
using Jint.Native;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Support
{
    /// <summary>
    /// What a rendered snippet really is: its HTML parsed by AngleSharp and its script executed by Jint with a minimal
    /// window/document. Tests assert on this, not on substrings.
    /// </summary>
    public sealed class Snippet
    {
        private Snippet() { }

        /// <summary>The rendered HTML.</summary>
        public string Html { get; private set; }

        /// <summary>The top-level nodes other than white-space text, e.g. ["script", "noscript"] or ["#comment"].</summary>
        public IReadOnlyList<string> Structure { get; private set; }

        /// <summary>The single script element, or null.</summary>
        public IElement Script { get; private set; }

        /// <summary>The noscript image's src, or null.</summary>
        public string NoscriptImageSrc { get; private set; }

        /// <summary>The text of the single top-level comment, or null.</summary>
        public string Comment { get; private set; }

        /// <summary>The <c>_paq</c> queue after the script ran, each command as its values (numbers as double).</summary>
        public IReadOnlyList<object[]> Commands { get; private set; } = new object[0][];

        /// <summary>The <c>_mtm</c> queue's event names after the script ran.</summary>
        public IReadOnlyList<string> TagManagerEvents { get; private set; } = new string[0];

        /// <summary>The scripts the snippet inserted: their src and nonce attribute.</summary>
        public IReadOnlyList<(string Src, string Nonce)> InsertedScripts { get; private set; } = new (string, string)[0];

        /// <summary>The engine the script ran in, or null when there was no script.</summary>
        private Engine _engine;

        /// <summary>Evaluates <paramref name="expression"/> after the script ran (e.g. <c>typeof _paq[3][3]</c>).</summary>
        public object Evaluate(string expression) => _engine.Evaluate(expression).ToObject();

        /// <summary>Just the command names, in order.</summary>
        public List<string> CommandNames => Commands.Select(c => (string)c[0]).ToList();

        /// <summary>The arguments of the only command named <paramref name="name"/>.</summary>
        public object[] Single(string name)
        {
            var matches = Commands.Where(c => (string)c[0] == name).ToList();
            Assert.That(matches, Has.Count.EqualTo(1), $"commands named {name} in {Describe()}");
            return matches[0].Skip(1).ToArray();
        }

        /// <summary>The commands, one a line, JSON-ish, for messages.</summary>
        public string Describe() => string.Join(" | ", Commands.Select(c => "[" + string.Join(", ", c.Select(v => v is string s ? "\"" + s + "\"" : v?.ToString() ?? "null")) + "]"));

        /// <summary>Parses <paramref name="html"/> and runs its script, if any.</summary>
        public static Snippet Parse(string html)
        {
            var snippet = new Snippet { Html = html };
            var parser = new HtmlParser();
            IDocument document = parser.ParseDocument("<!DOCTYPE html><html><head></head><body></body></html>");
            INodeList nodes = parser.ParseFragment(html, document.Body);
            var significant = nodes.Where(n => !(n.NodeType == NodeType.Text && string.IsNullOrWhiteSpace(n.TextContent))).ToList();
            snippet.Structure = significant.Select(n => n.NodeType == NodeType.Comment ? "#comment" : n.NodeType == NodeType.Text ? "#text" : n.NodeName.ToLowerInvariant()).ToList();
            snippet.Script = significant.OfType<IElement>().FirstOrDefault(e => e.LocalName == "script");
            snippet.Comment = significant.OfType<IComment>().FirstOrDefault()?.Data;
            // With scripting off, AngleSharp parses noscript content as elements; with it on, as text.
            IElement noscript = significant.OfType<IElement>().FirstOrDefault(e => e.LocalName == "noscript");
            IElement img = noscript?.QuerySelector("img")
                ?? (noscript == null ? null : parser.ParseFragment(noscript.TextContent, document.Body).OfType<IElement>()
                    .Select(e => e.LocalName == "img" ? e : e.QuerySelector("img")).FirstOrDefault(e => e != null));
            snippet.NoscriptImageSrc = img?.GetAttribute("src");
            if (snippet.Script != null) snippet.Run(snippet.Script.TextContent);
            return snippet;
        }

        private void Run(string script)
        {
            var inserted = new List<(string, string)>();
            var engine = new Engine(o => o.TimeoutInterval(TimeSpan.FromSeconds(10)));
            engine.Execute("var window = this;");
            engine.SetValue("__inserted", new Action<string, string>((src, nonce) => inserted.Add((src, nonce))));
            engine.Execute(@"
                var document = {
                  createElement: function (tag) {
                    return { tagName: tag, attributes: {}, setAttribute: function (k, v) { this.attributes[k] = String(v); } };
                  },
                  getElementsByTagName: function () {
                    return [{ parentNode: { insertBefore: function (g) {
                      __inserted(g.src, g.attributes.nonce === undefined ? null : g.attributes.nonce); } } }];
                  }
                };");
            engine.Execute(script);
            _engine = engine;
            JsValue paq = engine.GetValue("_paq");
            var commands = new List<object[]>();
            if (!paq.IsUndefined())
            {
                foreach (JsValue command in paq.AsArray())
                    commands.Add(command.AsArray().Select(v => v.ToObject()).ToArray());
            }
            Commands = commands;
            JsValue mtm = engine.Evaluate("typeof _mtm === 'undefined' ? [] : _mtm.map(function (e) { return e.event; })");
            TagManagerEvents = mtm.AsArray().Select(v => v.AsString()).ToList();
            InsertedScripts = inserted;
        }
    }
}
