using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Custos.Access.Storage;
using Custos.Detection.Detectors;
using Custos.Ledger.Storage;

namespace Custos.Tests.Architecture;

/// <summary>
/// The layout of docs/architecture.md: arrows point down only, and the executable reaches
/// detectors and stores through the libraries' interfaces and factories, never by their types.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>
    /// Each project under src/ and the projects it may reference directly: the arrows of
    /// docs/architecture.md. A project may also use what those reference, further down.
    /// </summary>
    private static readonly Dictionary<string, string[]> Arrows = new()
    {
        ["Custos.Formats"] = [],
        ["Custos.Cedar"] = [],
        ["Custos.Ledger"] = [],
        ["Custos.Access"] = ["Custos.Cedar", "Custos.Formats", "Custos.Ledger"],
        ["Custos.Detection"] = ["Custos.Formats"],
        ["Custos.Oversight"] = ["Custos.Access", "Custos.Detection"],
        ["Custos.WebConsole"] = ["Custos.Oversight"],
        ["Custos"] = ["Custos.WebConsole"],
    };

    /// <summary>The executable's assembly is named for its command.</summary>
    private static readonly Dictionary<string, string> AssemblyNames = new() { ["Custos"] = "custos" };

    [Fact]
    public void Every_project_under_src_has_its_place_in_the_layout()
    {
        var projects = Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "src"))
            .Where(d => File.Exists(Path.Combine(d, Path.GetFileName(d) + ".csproj")))
            .Select(d => Path.GetFileName(d))
            .Order(StringComparer.Ordinal);

        projects.ShouldBe(Arrows.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Project_references_point_down()
    {
        var upward = new List<string>();
        foreach (var project in Arrows.Keys)
        {
            var file = Path.Combine(RepositoryPaths.Root, "src", project, project + ".csproj");
            foreach (var reference in XDocument.Load(file).Descendants("ProjectReference"))
            {
                var target = Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/'));
                if (!Below(project).Contains(target))
                {
                    upward.Add($"{project} -> {target}");
                }
            }
        }

        upward.ShouldBeEmpty();
    }

    [Fact]
    public void Compiled_assemblies_use_only_projects_below_them()
    {
        var upward = new List<string>();
        foreach (var project in Arrows.Keys)
        {
            foreach (var reference in Assembly.Load(AssemblyName(project)).GetReferencedAssemblies())
            {
                if (ProjectOf(reference.Name!) is { } target && !Below(project).Contains(target))
                {
                    upward.Add($"{project} -> {target}");
                }
            }
        }

        upward.ShouldBeEmpty();
    }

    [Fact]
    public void The_executable_names_no_detector_and_no_concrete_store()
    {
        var executable = Assembly.Load(AssemblyName("Custos"));
        using var file = File.OpenRead(executable.Location);
        using var pe = new PEReader(file);
        var metadata = pe.GetMetadataReader();
        var named = new List<string>();
        foreach (var handle in metadata.TypeReferences)
        {
            if (Resolve(metadata, handle) is { } type && (IsDetector(type) || IsConcreteStore(type)))
            {
                named.Add(type.FullName!);
            }
        }

        named.ShouldBeEmpty();
    }

    private static bool IsDetector(Type type) => type is { IsInterface: false, IsAbstract: false } && typeof(IDetector).IsAssignableFrom(type);

    private static bool IsConcreteStore(Type type) =>
        type is { IsInterface: false, IsAbstract: false }
        && (typeof(ILedgerStore).IsAssignableFrom(type) || typeof(AccessStore).IsAssignableFrom(type)
            || type.Name.StartsWith("Postgres", StringComparison.Ordinal) || type.Name.StartsWith("Sqlite", StringComparison.Ordinal));

    /// <summary>The type a reference names, when it lives in one of the projects; null for the framework's and packages'.</summary>
    private static Type? Resolve(MetadataReader metadata, TypeReferenceHandle handle)
    {
        var reference = metadata.GetTypeReference(handle);
        var name = metadata.GetString(reference.Name);
        if (reference.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            var outer = Resolve(metadata, (TypeReferenceHandle)reference.ResolutionScope);
            return outer?.GetNestedType(name, BindingFlags.Public | BindingFlags.NonPublic);
        }
        if (reference.ResolutionScope.Kind != HandleKind.AssemblyReference)
        {
            return null;
        }
        var assembly = metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope).Name);
        if (ProjectOf(assembly) is null)
        {
            return null;
        }
        var space = metadata.GetString(reference.Namespace);
        return Assembly.Load(assembly).GetType(space.Length == 0 ? name : space + "." + name, throwOnError: true);
    }

    /// <summary>Every project <paramref name="project"/> may use: those its arrows reach, directly or further down.</summary>
    private static HashSet<string> Below(string project)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(Arrows[project]);
        while (pending.TryPop(out var next))
        {
            if (reached.Add(next))
            {
                foreach (var further in Arrows[next])
                {
                    pending.Push(further);
                }
            }
        }
        return reached;
    }

    private static string AssemblyName(string project) => AssemblyNames.GetValueOrDefault(project, project);

    private static string? ProjectOf(string assembly) =>
        Arrows.Keys.FirstOrDefault(p => string.Equals(AssemblyName(p), assembly, StringComparison.Ordinal));
}
