using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.EndToEnd;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Architecture
{
    /// <summary>
    /// The library's folders are layers with one direction, read off the compiled assembly: every type a type refers
    /// to (base type, interfaces, fields, signatures, attributes, locals, and every token of its method bodies) must
    /// sit in its own folder or in one its folder may use, and nothing below <c>Web/</c> may refer to System.Web.
    /// Which folder a type sits in is read from the sources (one public type per file).
    /// </summary>
    public class LayerTests
    {
        /// <summary>What each folder may use besides itself (CONTRIBUTING.md says the same in words).</summary>
        internal static readonly Dictionary<string, string[]> MayUse = new Dictionary<string, string[]>
        {
            ["Text"] = new string[0],
            ["Addresses"] = new[] { "Text" },
            ["Configuration"] = new[] { "Text", "Addresses" },
            ["Rendering"] = new[] { "Text", "Addresses", "Configuration" },
            ["Proxy"] = new[] { "Text", "Addresses", "Configuration" },
            ["Delivery"] = new[] { "Text", "Addresses", "Configuration" },
            ["Web"] = new[] { "Text", "Addresses", "Configuration", "Rendering", "Proxy", "Delivery" },
        };

        /// <summary>The assemblies of System.Web and ASP.NET MVC: only <c>Web/</c> may refer to them.</summary>
        private static readonly string[] WebAssemblies =
        {
            "System.Web", "System.Web.Mvc", "System.Web.WebPages", "System.Web.Razor", "System.Web.Abstractions", "Microsoft.Web.Infrastructure",
        };

        private static readonly Regex Declaration = new Regex(
            @"^\s*(?:\[[^\]]*\]\s*)*(?:(?:public|internal|private|protected|sealed|static|abstract|partial|readonly|unsafe|ref)\s+)*(?:class|struct|enum|interface|delegate\s+[\w<>\[\],\s]+?)\s+(?<name>\w+)",
            RegexOptions.Multiline | RegexOptions.CultureInvariant);

        /// <summary>Top-level type name → folder, from the sources of Matomo.Mvc5/.</summary>
        internal static Dictionary<string, string> FoldersOfTypes()
        {
            string root = Path.Combine(SampleHost.Root, "Matomo.Mvc5");
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
            {
                string relative = file.Substring(root.Length + 1);
                if (relative.StartsWith("obj" + Path.DirectorySeparatorChar) || relative.StartsWith("bin" + Path.DirectorySeparatorChar)) continue;
                string folder = relative.Contains(Path.DirectorySeparatorChar) ? relative.Substring(0, relative.IndexOf(Path.DirectorySeparatorChar)) : "";
                string text = Regex.Replace(File.ReadAllText(file), @"//.*$", "", RegexOptions.Multiline);
                // Only top-level declarations: at namespace depth (one level of braces in).
                int depth = 0, last = 0;
                foreach (Match m in Declaration.Matches(text))
                {
                    for (int i = last; i < m.Index; i++) depth += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
                    last = m.Index;
                    if (depth != 1) continue;
                    string name = m.Groups["name"].Value;
                    if (result.TryGetValue(name, out string other) && other != folder)
                        throw new InvalidOperationException(name + " is declared in " + other + "/ and " + folder + "/");
                    result[name] = folder;
                }
            }
            return result;
        }

        internal static string LibraryPath => typeof(MatomoSettings).Assembly.Location;

        /// <summary>Every reference from a type of the library to another of its types, or to an assembly of System.Web, as "From -> To".</summary>
        internal static List<(string From, string To, bool ToWeb)> References(string assemblyPath)
        {
            using (var stream = File.OpenRead(assemblyPath))
            using (var pe = new PEReader(stream))
            {
                MetadataReader md = pe.GetMetadataReader();
                var walker = new Walker(md, pe);
                foreach (TypeDefinitionHandle h in md.TypeDefinitions) walker.Walk(h);
                return walker.Found.ToList();
            }
        }

        private sealed class Walker : ISignatureTypeProvider<bool, object>
        {
            private readonly MetadataReader _md;
            private readonly PEReader _pe;
            private string _from;
            public readonly HashSet<(string, string, bool)> Found = new HashSet<(string, string, bool)>();

            public Walker(MetadataReader md, PEReader pe) { _md = md; _pe = pe; }

            /// <summary>The name of the library's top-level type that holds <paramref name="h"/>; "&lt;..." for the compiler's own types.</summary>
            private string TopLevelName(TypeDefinitionHandle h)
            {
                TypeDefinition t = _md.GetTypeDefinition(h);
                while (t.GetDeclaringType() is var d && !d.IsNil) t = _md.GetTypeDefinition(d);
                string ns = _md.GetString(t.Namespace);
                // The attributes the compiler embeds (System.Runtime.CompilerServices.IsReadOnlyAttribute ...) are no one's.
                if (ns != "Matomo.Mvc5" && !ns.StartsWith("Matomo.Mvc5.", StringComparison.Ordinal)) return "<compiler>";
                return _md.GetString(t.Name);
            }

            public void Walk(TypeDefinitionHandle h)
            {
                TypeDefinition t = _md.GetTypeDefinition(h);
                _from = TopLevelName(h);
                if (_from.StartsWith("<", StringComparison.Ordinal)) return; // <Module>, <PrivateImplementationDetails>
                Handle(t.BaseType);
                foreach (InterfaceImplementationHandle i in t.GetInterfaceImplementations()) Handle(_md.GetInterfaceImplementation(i).Interface);
                Attributes(t.GetCustomAttributes());
                foreach (GenericParameterHandle g in t.GetGenericParameters()) Constraints(g);
                foreach (FieldDefinitionHandle f in t.GetFields())
                {
                    FieldDefinition field = _md.GetFieldDefinition(f);
                    field.DecodeSignature(this, null);
                    Attributes(field.GetCustomAttributes());
                }
                foreach (PropertyDefinitionHandle p in t.GetProperties()) Attributes(_md.GetPropertyDefinition(p).GetCustomAttributes());
                foreach (MethodDefinitionHandle m in t.GetMethods())
                {
                    MethodDefinition method = _md.GetMethodDefinition(m);
                    method.DecodeSignature(this, null);
                    Attributes(method.GetCustomAttributes());
                    foreach (GenericParameterHandle g in method.GetGenericParameters()) Constraints(g);
                    foreach (ParameterHandle p in method.GetParameters()) Attributes(_md.GetParameter(p).GetCustomAttributes());
                    if (method.RelativeVirtualAddress != 0) Body(_pe.GetMethodBody(method.RelativeVirtualAddress));
                }
            }

            private void Constraints(GenericParameterHandle g)
            {
                foreach (GenericParameterConstraintHandle c in _md.GetGenericParameter(g).GetConstraints())
                    Handle(_md.GetGenericParameterConstraint(c).Type);
            }

            private void Attributes(CustomAttributeHandleCollection attributes)
            {
                foreach (CustomAttributeHandle a in attributes) Handle(_md.GetCustomAttribute(a).Constructor);
            }

            private void Body(MethodBodyBlock body)
            {
                if (!body.LocalSignature.IsNil)
                    _md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
                BlobReader il = body.GetILReader();
                while (il.RemainingBytes > 0)
                {
                    int code = il.ReadByte();
                    if (code == 0xFE) code = 0xFE00 | il.ReadByte();
                    if (!Operands.TryGetValue(code, out OperandType operand))
                        throw new InvalidOperationException("IL of a method of " + _from + ": no opcode 0x" + code.ToString("X") + " at " + (il.Offset - 1));
                    switch (operand)
                    {
                        case OperandType.InlineField:
                        case OperandType.InlineMethod:
                        case OperandType.InlineTok:
                        case OperandType.InlineType:
                        case OperandType.InlineSig:
                            Handle(MetadataTokens.EntityHandle(il.ReadInt32()));
                            break;
                        case OperandType.InlineSwitch:
                            int targets = il.ReadInt32();
                            il.Offset += 4 * targets;
                            break;
                        default:
                            il.Offset += Size(operand);
                            break;
                    }
                }
            }

            private static int Size(OperandType operand)
            {
                switch (operand)
                {
                    case OperandType.InlineNone: return 0;
                    case OperandType.ShortInlineBrTarget: case OperandType.ShortInlineI: case OperandType.ShortInlineVar: return 1;
                    case OperandType.InlineVar: return 2;
                    case OperandType.InlineI8: case OperandType.InlineR: return 8;
                    default: return 4;
                }
            }

            private static readonly Dictionary<int, OperandType> Operands = typeof(OpCodes)
                .GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => (OpCode)f.GetValue(null))
                .ToDictionary(o => (int)(ushort)o.Value, o => o.OperandType);

            private void Handle(EntityHandle h)
            {
                if (h.IsNil) return;
                switch (h.Kind)
                {
                    case HandleKind.TypeDefinition:
                        Add(TopLevelName((TypeDefinitionHandle)h), false);
                        break;
                    case HandleKind.TypeReference:
                        Reference((TypeReferenceHandle)h);
                        break;
                    case HandleKind.TypeSpecification:
                        _md.GetTypeSpecification((TypeSpecificationHandle)h).DecodeSignature(this, null);
                        break;
                    case HandleKind.MemberReference:
                        MemberReference member = _md.GetMemberReference((MemberReferenceHandle)h);
                        Handle(member.Parent);
                        if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(this, null);
                        else member.DecodeFieldSignature(this, null);
                        break;
                    case HandleKind.MethodDefinition:
                        Add(TopLevelName(_md.GetMethodDefinition((MethodDefinitionHandle)h).GetDeclaringType()), false);
                        break;
                    case HandleKind.FieldDefinition:
                        Add(TopLevelName(_md.GetFieldDefinition((FieldDefinitionHandle)h).GetDeclaringType()), false);
                        break;
                    case HandleKind.MethodSpecification:
                        MethodSpecification spec = _md.GetMethodSpecification((MethodSpecificationHandle)h);
                        Handle(spec.Method);
                        spec.DecodeSignature(this, null);
                        break;
                    case HandleKind.StandaloneSignature:
                        StandaloneSignature sig = _md.GetStandaloneSignature((StandaloneSignatureHandle)h);
                        if (sig.GetKind() == StandaloneSignatureKind.Method) sig.DecodeMethodSignature(this, null);
                        else sig.DecodeLocalSignature(this, null);
                        break;
                }
            }

            private void Reference(TypeReferenceHandle h)
            {
                TypeReference r = _md.GetTypeReference(h);
                while (r.ResolutionScope.Kind == HandleKind.TypeReference) r = _md.GetTypeReference((TypeReferenceHandle)r.ResolutionScope);
                if (r.ResolutionScope.Kind != HandleKind.AssemblyReference) return;
                string assembly = _md.GetString(_md.GetAssemblyReference((AssemblyReferenceHandle)r.ResolutionScope).Name);
                if (WebAssemblies.Contains(assembly)) Add(assembly + ":" + _md.GetString(r.Namespace) + "." + _md.GetString(r.Name), true);
            }

            private void Add(string to, bool web)
            {
                if (to.StartsWith("<", StringComparison.Ordinal)) return;
                Found.Add((_from, to, web));
            }

            public bool GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) { Handle(handle); return true; }
            public bool GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) { Handle(handle); return true; }
            public bool GetTypeFromSpecification(MetadataReader reader, object context, TypeSpecificationHandle handle, byte rawTypeKind) { Handle(handle); return true; }
            public bool GetPrimitiveType(PrimitiveTypeCode typeCode) => true;
            public bool GetSZArrayType(bool elementType) => true;
            public bool GetArrayType(bool elementType, ArrayShape shape) => true;
            public bool GetByReferenceType(bool elementType) => true;
            public bool GetPointerType(bool elementType) => true;
            public bool GetPinnedType(bool elementType) => true;
            public bool GetGenericInstantiation(bool genericType, ImmutableArray<bool> typeArguments) => true;
            public bool GetGenericMethodParameter(object genericContext, int index) => true;
            public bool GetGenericTypeParameter(object genericContext, int index) => true;
            public bool GetFunctionPointerType(MethodSignature<bool> signature) => true;
            public bool GetModifiedType(bool modifier, bool unmodifiedType, bool isRequired) => true;
        }

        /// <summary>The references that break the layers, as "From (Folder/) -> To (Folder/)".</summary>
        internal static List<string> Violations(string assemblyPath)
        {
            Dictionary<string, string> folders = FoldersOfTypes();
            var violations = new List<string>();
            foreach (var (from, to, web) in References(assemblyPath))
            {
                if (!folders.TryGetValue(from, out string fromFolder)) { violations.Add(from + " is declared in no source file found"); continue; }
                if (web)
                {
                    if (fromFolder != "Web") violations.Add(from + " (" + fromFolder + "/) -> " + to + ": only Web/ may use System.Web");
                    continue;
                }
                if (from == to) continue;
                if (!folders.TryGetValue(to, out string toFolder)) { violations.Add(to + " is declared in no source file found"); continue; }
                if (toFolder == fromFolder) continue;
                if (!MayUse.TryGetValue(fromFolder, out string[] allowed)) { violations.Add(from + " sits in " + fromFolder + "/, which is no layer"); continue; }
                if (!allowed.Contains(toFolder)) violations.Add(from + " (" + fromFolder + "/) -> " + to + " (" + toFolder + "/)");
            }
            return violations.Distinct().OrderBy(v => v, StringComparer.Ordinal).ToList();
        }

        [Test]
        public void Every_type_refers_only_to_its_own_folder_and_the_layers_below_and_only_Web_to_System_Web()
        {
            List<string> violations = Violations(LibraryPath);
            Assert.That(violations, Is.Empty, string.Join("\n", violations) + "\nreferences against the layers (" + string.Join("; ", MayUse.Select(l => l.Key + " may use " + (l.Value.Length == 0 ? "nothing" : string.Join(", ", l.Value)))) + ")");
        }

        [Test]
        public void The_walk_sees_the_references_it_judges()
        {
            // A check of the check: references every layer really has are found (else an empty list proves nothing).
            var all = References(LibraryPath);
            Assert.That(all, Has.Some.Matches<(string From, string To, bool ToWeb)>(r => r.From == "MatomoModule" && r.To == "TrackerProxy"), "a method body's call");
            Assert.That(all, Has.Some.Matches<(string From, string To, bool ToWeb)>(r => r.From == "MatomoModule" && r.ToWeb), "an interface of System.Web");
            Assert.That(all, Has.Some.Matches<(string From, string To, bool ToWeb)>(r => r.From == "MatomoSettings" && r.To == "IpRangeList"), "a property's type");
            Assert.That(FoldersOfTypes(), Does.ContainKey("MatomoSettings").WithValue("Configuration"));
        }
    }
}
