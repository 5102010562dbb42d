using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace ActorCausal.Packaging.Tests;

/// <summary>
/// Every public type and member of every packable assembly has an XML doc comment, so no build reports CS1591 (which
/// src/Package.props leaves a warning, not an error). Each packable project (a src/ project that imports Package.props or
/// sets IsPackable) must be referenced by this test project; its assembly and the XML doc file the build generated are then
/// copied next to this one, from the same build. Every type and member visible outside the assembly, found by reflection,
/// must have an entry there with a <c>&lt;summary&gt;</c> (or <c>&lt;inheritdoc/&gt;</c>), except what the compiler writes
/// itself and CS1591 does not ask for: members it generates for records, and the implicit parameterless constructor.
/// A positional record's properties are documented by the record's own comment, as CS1591 takes them.
/// </summary>
public sealed class XmlDocsTests
{
    public static TheoryData<string> PackableProjects()
    {
        var data = new TheoryData<string>();
        foreach (var project in FindPackableProjects()) data.Add(project);
        return data;
    }

    [Theory]
    [MemberData(nameof(PackableProjects))]
    public void Every_public_type_and_member_of_a_packable_assembly_has_an_xml_doc_summary(string project)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, project + ".dll");
        var xml = Path.ChangeExtension(dll, ".xml");
        Assert.True(File.Exists(dll), $"{project} is packable but not referenced by tests/ActorCausal.Packaging.Tests: add a ProjectReference so its docs are checked.");
        Assert.True(File.Exists(xml), $"{project} generates no XML doc file ({xml}): it must import src/Package.props (GenerateDocumentationFile).");

        var docs = XDocument.Load(xml);
        Assert.Equal(project, docs.Root?.Element("assembly")?.Element("name")?.Value);
        var missing = Missing(Assembly.Load(new AssemblyName(project)).GetTypes(), Documented(docs));
        Assert.True(missing.Count == 0,
            $"{missing.Count} public types or members of {project} have no XML doc summary (CS1591):\n  {string.Join("\n  ", missing)}");
    }

    [Fact]
    public void The_check_reports_exactly_the_undocumented_members_under_the_compilers_ids()
    {
        // The sample types below against a hand-written doc file that leaves three visible members out: the check must
        // name those three (so it can fail, and it spells ids as the compiler does), and nothing it must not ask for.
        const string prefix = "ActorCausal.Packaging.Tests.XmlDocsTests.";
        var written = new[]
        {
            "T:" + prefix + "Sample",
            "M:" + prefix + "Sample.#ctor(System.Int64,System.Collections.Generic.IEnumerable{System.String})",
            "P:" + prefix + "Sample.Count",
            "M:" + prefix + "Sample.op_LessThan(" + prefix + "Sample," + prefix + "Sample)",
            "M:" + prefix + "Sample.op_GreaterThan(" + prefix + "Sample," + prefix + "Sample)",
            "T:" + prefix + "Flag",
            "F:" + prefix + "Flag.A",
            "T:" + prefix + "Positional",
            "M:" + prefix + "Positional.#ctor(System.Int32,System.String)",
            "T:" + prefix + "Open",
        };
        var docs = new XDocument(new XElement("doc", new XElement("members",
            written.Select(id => new XElement("member", new XAttribute("name", id), new XElement("summary", "Sample."))))));

        var missing = Missing([typeof(Sample), typeof(Flag), typeof(Positional), typeof(Open)], Documented(docs));

        Assert.Equal(new[]
        {
            "F:" + prefix + "Flag.B",
            "M:" + prefix + "Open.ForSubclasses",
            "M:" + prefix + "Sample.Generic``1(System.Collections.Generic.List{``0},System.Int32@,System.Int32[],System.Nullable{System.Int64})",
        }, missing);
    }

    // Samples for the test above: the doc file it writes leaves three of their visible members out.
    public sealed class Sample(long size, IEnumerable<string> names)
    {
        public int Count { get; } = (int)size + names.Count();
        public void Generic<T>(List<T> items, ref int n, int[] values, long? limit) { }
        internal void NotVisible() { }
        public static bool operator <(Sample a, Sample b) => a.Count < b.Count;
        public static bool operator >(Sample a, Sample b) => a.Count > b.Count;
    }

    public enum Flag { A, B }

    public sealed record Positional(int Number, string Text);

    public class Open
    {
        protected void ForSubclasses() { }
        private protected void OnlyInside() { }
    }

    private static HashSet<string> Documented(XDocument docs) =>
        docs.Descendants("member")
            .Where(m => m.Element("summary") is { } s && s.Value.Trim().Length > 0 || m.Element("inheritdoc") is not null)
            .Select(m => (string)m.Attribute("name")!)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The doc ids of the visible types and members of <paramref name="types"/> that <paramref name="documented"/> lacks, sorted.</summary>
    private static List<string> Missing(IEnumerable<Type> types, HashSet<string> documented) =>
        PublicApi(types).Where(m => !IsDocumented(m, documented)).Select(DocId).Order(StringComparer.Ordinal).ToList();

    private static bool IsDocumented(MemberInfo member, HashSet<string> documented)
    {
        if (documented.Contains(DocId(member))) return true;
        // CS1591 takes a positional record's properties as documented by the record's comment (its <param> tags, if any,
        // become their docs).
        if (member is PropertyInfo property && PositionalProperties(property.DeclaringType!).Contains(property.Name))
            return documented.Contains(DocId(property.DeclaringType!));
        return false;
    }

    /// <summary>Every type and member that code outside the assembly can see, without what the compiler generates.</summary>
    private static IEnumerable<MemberInfo> PublicApi(IEnumerable<Type> types)
    {
        const BindingFlags declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        foreach (var type in types.Where(IsVisibleOutside).Where(t => !IsCompilerGenerated(t)))
        {
            yield return type;
            if (type.IsSubclassOf(typeof(Delegate))) continue; // Invoke and the constructor are not documented separately
            var accessors = type.GetProperties(declared).SelectMany(p => p.GetAccessors(nonPublic: true))
                .Concat(type.GetEvents(declared).SelectMany(e => new[] { e.AddMethod, e.RemoveMethod, e.RaiseMethod }))
                .Where(m => m is not null).ToHashSet();
            foreach (var member in type.GetMembers(declared))
            {
                if (member is Type) continue; // nested types come from GetTypes
                if (member is MethodInfo method && accessors.Contains(method)) continue;
                if (member is FieldInfo { IsSpecialName: true }) continue; // an enum's value__
                if (!IsVisibleOutside(member) || IsCompilerGenerated(member)) continue;
                if (member is ConstructorInfo { IsStatic: false } ctor && ctor.GetParameters().Length == 0 && IsImplicitConstructor(ctor)) continue;
                yield return member;
            }
        }
    }

    private static bool IsCompilerGenerated(MemberInfo member) => member.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);

    /// <summary>
    /// The parameterless constructor the compiler adds to a class that declares none (CS1591 does not ask for it): the
    /// class's only visible constructor apart from a record's copy constructor. An explicit undocumented parameterless constructor
    /// that is a class's only one looks the same and is not reported here (the package test sees the compiler's CS1591).
    /// </summary>
    private static bool IsImplicitConstructor(ConstructorInfo ctor) =>
        ctor.DeclaringType!.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(c => IsVisibleOutside(c) && !IsCompilerGenerated(c)).All(c => c == ctor || IsRecordCopyConstructor(c));

    private static bool IsRecordCopyConstructor(ConstructorInfo ctor) =>
        ctor.GetParameters() is [var only] && only.ParameterType == ctor.DeclaringType && ctor.DeclaringType!.GetMethod("<Clone>$") is not null;

    /// <summary>The positional parameters of a record: the out parameters of the Deconstruct the compiler writes for it.</summary>
    private static HashSet<string> PositionalProperties(Type type)
    {
        var deconstruct = type.GetMethods(BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == "Deconstruct" && IsCompilerGenerated(m));
        return deconstruct is null ? [] : deconstruct.GetParameters().Select(p => p.Name!).ToHashSet(StringComparer.Ordinal);
    }

    private static bool IsVisibleOutside(Type type)
    {
        if (type.IsNested)
        {
            var outer = type.DeclaringType!;
            return IsVisibleOutside(outer) && (type.IsNestedPublic || (!outer.IsSealed && (type.IsNestedFamily || type.IsNestedFamORAssem)));
        }
        return type.IsPublic;
    }

    private static bool IsVisibleOutside(MemberInfo member)
    {
        if (member is Type type) return IsVisibleOutside(type);
        var openToSubclasses = !member.DeclaringType!.IsSealed;
        bool Visible(MethodBase? m) => m is not null && (m.IsPublic || (openToSubclasses && (m.IsFamily || m.IsFamilyOrAssembly)));
        return member switch
        {
            MethodBase method => Visible(method),
            FieldInfo field => field.IsPublic || (openToSubclasses && (field.IsFamily || field.IsFamilyOrAssembly)),
            PropertyInfo property => property.GetAccessors(nonPublic: true).Any(Visible),
            EventInfo e => Visible(e.AddMethod),
            _ => false,
        };
    }

    /// <summary>The member's id as the C# compiler writes it in the XML doc file ("T:", "M:", "P:", "F:", "E:").</summary>
    private static string DocId(MemberInfo member)
    {
        switch (member)
        {
            case Type type:
                return "T:" + TypeName(type);
            case FieldInfo field:
                return "F:" + TypeName(field.DeclaringType!) + "." + field.Name;
            case EventInfo e:
                return "E:" + TypeName(e.DeclaringType!) + "." + e.Name;
            case PropertyInfo property:
                return "P:" + TypeName(property.DeclaringType!) + "." + property.Name.Replace('.', '#') + Parameters(property.GetIndexParameters());
            case MethodBase method:
                var name = method switch
                {
                    ConstructorInfo { IsStatic: true } => "#cctor",
                    ConstructorInfo => "#ctor",
                    _ => method.Name.Replace('.', '#'),
                };
                if (method is MethodInfo { IsGenericMethodDefinition: true } generic) name += "``" + generic.GetGenericArguments().Length;
                var id = "M:" + TypeName(method.DeclaringType!) + "." + name + Parameters(method.GetParameters());
                if (method is MethodInfo { Name: "op_Implicit" or "op_Explicit" } conversion) id += "~" + ParameterType(conversion.ReturnType);
                return id;
            default:
                throw new ArgumentException($"No doc id for {member.MemberType} {member.Name}.", nameof(member));
        }
    }

    private static string Parameters(ParameterInfo[] parameters) =>
        parameters.Length == 0 ? "" : "(" + string.Join(",", parameters.Select(p => ParameterType(p.ParameterType))) + ")";

    /// <summary>A type's name in a declaration id: namespace, nesting by '.', generic arity kept (<c>Name`1</c>).</summary>
    private static string TypeName(Type type) =>
        type.IsNested ? TypeName(type.DeclaringType!) + "." + type.Name : (type.Namespace is { Length: > 0 } ns ? ns + "." : "") + type.Name;

    /// <summary>A type as a parameter in an id: generic arguments in braces, type parameters by position.</summary>
    private static string ParameterType(Type type)
    {
        if (type.IsByRef) return ParameterType(type.GetElementType()!) + "@";
        if (type.IsPointer) return ParameterType(type.GetElementType()!) + "*";
        if (type.IsArray)
            return ParameterType(type.GetElementType()!) + (type.GetArrayRank() == 1 ? "[]" : "[" + string.Join(",", Enumerable.Repeat("0:", type.GetArrayRank())) + "]");
        if (type.IsGenericParameter) return (type.DeclaringMethod is null ? "`" : "``") + type.GenericParameterPosition;
        if (!type.IsGenericType) return TypeName(type);

        // Generic arguments are listed per nesting level: Outer{A}.Inner{B}.
        var arguments = type.GetGenericArguments();
        var levels = new List<Type>();
        for (var t = type.IsGenericTypeDefinition ? type : type.GetGenericTypeDefinition(); t is not null; t = t.DeclaringType) levels.Insert(0, t);
        var used = 0;
        var parts = new List<string>();
        foreach (var level in levels)
        {
            var tick = level.Name.IndexOf('`');
            var arity = tick < 0 ? 0 : int.Parse(level.Name[(tick + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            var plain = tick < 0 ? level.Name : level.Name[..tick];
            parts.Add(arity == 0 ? plain : plain + "{" + string.Join(",", arguments.Skip(used).Take(arity).Select(ParameterType)) + "}");
            used += arity;
        }
        var outermost = levels[0];
        return (outermost.Namespace is { Length: > 0 } ns ? ns + "." : "") + string.Join(".", parts);
    }

    private static IEnumerable<string> FindPackableProjects()
    {
        foreach (var csproj in Directory.EnumerateFiles(Repository.Path("src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(csproj);
            if (text.Contains("Package.props", StringComparison.Ordinal) || text.Contains("<IsPackable>true</IsPackable>", StringComparison.OrdinalIgnoreCase))
                yield return Path.GetFileNameWithoutExtension(csproj);
        }
    }
}
