using Xunit;

namespace LiquidationEngine.Tests.Architecture;

/// <summary>The arrows of docs/ARCHITECTURE.md, checked on the compiled assemblies: Core references nothing of ours,
/// each adapter references Core (and the wire format) only, and Core's namespaces form layers.</summary>
public sealed class ArchitectureTests
{
    private const string Core = "LiquidationEngine.Core";
    private const string Protocol = "LiquidationEngine.Protocol";

    /// <summary>The project assemblies each of ours may reference. The host (<c>liqengine</c>) wires them all and may
    /// reference anything; every other assembly of ours must be listed here.</summary>
    private static readonly Dictionary<string, string[]> AllowedReferences = new()
    {
        [Core] = [],
        [Protocol] = [Core],
        ["LiquidationEngine.Persistence"] = [Core],
        ["LiquidationEngine.Gateway"] = [Core, Protocol],
        ["LiquidationEngine.Replay"] = [Core],
        ["LiquidationEngine.Feeds"] = [Core],
    };

    /// <summary>Core's layers, bottom first. A namespace may use only namespaces of a lower layer; namespaces of one
    /// layer do not use each other.</summary>
    private static readonly Dictionary<string, int> CoreLayers = new()
    {
        ["LiquidationEngine.Contracts"] = 0,
        ["LiquidationEngine.Csv"] = 0,
        ["LiquidationEngine.Numerics"] = 1,
        ["LiquidationEngine.Instruments"] = 2,
        ["LiquidationEngine.State"] = 3,
        ["LiquidationEngine.Risk"] = 4,
        ["LiquidationEngine.Ledger"] = 5,
        ["LiquidationEngine.Liquidation"] = 5,
        ["LiquidationEngine.Ring"] = 6,
        ["LiquidationEngine.Pipeline"] = 7,
    };

    private static string PathOf(string assembly) => Path.Combine(AppContext.BaseDirectory, assembly + ".dll");

    /// <summary>Project assemblies (ours) in the test output, except the tests themselves and the host.</summary>
    private static IEnumerable<string> OurAssemblies()
        => Directory.GetFiles(AppContext.BaseDirectory, "LiquidationEngine.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => n is not null && n != "LiquidationEngine.Tests")
            .Select(n => n!);

    /// <summary>Each violation as "A references B".</summary>
    internal static List<string> ReferenceViolations(IReadOnlyDictionary<string, string[]> allowed)
    {
        var violations = new List<string>();
        foreach ((string assembly, string[] may) in allowed)
        {
            foreach (string reference in AssemblyDependencies.References(PathOf(assembly)))
            {
                bool ours = reference.StartsWith("LiquidationEngine", StringComparison.Ordinal) || reference == "liqengine";
                if (ours && !may.Contains(reference))
                {
                    violations.Add($"{assembly} references {reference}");
                }
            }
        }

        return violations;
    }

    /// <summary>Each violation as "A uses B", for namespaces of one assembly ranked by <paramref name="layers"/>.</summary>
    internal static List<string> LayerViolations(string assembly, IReadOnlyDictionary<string, int> layers)
    {
        var violations = new List<string>();
        foreach ((string from, IReadOnlySet<string> uses) in AssemblyDependencies.NamespaceUses(PathOf(assembly)))
        {
            if (!layers.TryGetValue(from, out int rank))
            {
                violations.Add($"{from} is not placed in a layer");
                continue;
            }

            violations.AddRange(uses.Where(u => !layers.TryGetValue(u, out int r) || r >= rank).Order().Select(u => $"{from} uses {u}"));
        }

        return violations;
    }

    [Fact]
    public void Core_references_the_base_class_library_only()
    {
        List<string> foreign = AssemblyDependencies.References(PathOf(Core))
            .Where(r => !(r.StartsWith("System", StringComparison.Ordinal) || r is "netstandard" or "mscorlib"))
            .ToList();
        Assert.Empty(foreign);
    }

    [Fact]
    public void Adapters_reference_core_and_the_wire_format_only_never_each_other()
    {
        List<string> violations = ReferenceViolations(AllowedReferences);
        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public void Every_assembly_of_ours_has_declared_what_it_may_reference()
    {
        List<string> undeclared = OurAssemblies().Where(a => !AllowedReferences.ContainsKey(a)).ToList();
        Assert.Empty(undeclared);
    }

    [Fact]
    public void Core_namespaces_use_only_lower_layers()
    {
        List<string> violations = LayerViolations(Core, CoreLayers);
        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public void The_reference_check_reports_an_adapter_that_references_another_adapter()
    {
        // The host references the adapters; checked as if it were one, it must be caught.
        var hostAsAdapter = new Dictionary<string, string[]>(AllowedReferences) { ["liqengine"] = [Core] };
        List<string> violations = ReferenceViolations(hostAsAdapter);
        Assert.Contains("liqengine references LiquidationEngine.Gateway", violations);
        Assert.Contains("liqengine references LiquidationEngine.Persistence", violations);
    }

    [Fact]
    public void The_layer_check_reports_a_namespace_that_uses_one_above_it()
    {
        // Put the pipeline at the bottom: its real uses of state and the ledger become upward arrows.
        var inverted = new Dictionary<string, int>(CoreLayers) { ["LiquidationEngine.Pipeline"] = -1 };
        List<string> violations = LayerViolations(Core, inverted);
        Assert.Contains("LiquidationEngine.Pipeline uses LiquidationEngine.State", violations);
        Assert.Contains("LiquidationEngine.Pipeline uses LiquidationEngine.Ledger", violations);
    }
}
