using System.Globalization;

namespace LiquidationEngine.Latency;

/// <summary>Command line of the harness.</summary>
public sealed class HarnessOptions
{
    /// <summary>Scenarios to run: memory, paced, throughput, cascade.</summary>
    public HashSet<string> Scenarios { get; } = new(StringComparer.OrdinalIgnoreCase) { "memory", "paced", "throughput", "cascade" };

    /// <summary>A smoke run: short runs, one cascade.</summary>
    public bool Quick { get; private set; }

    /// <summary>Where to write the results as JSON, if anywhere.</summary>
    public string? JsonPath { get; private set; }

    /// <summary>Wait strategies of the pipeline during the timed runs, each on a fresh book; the first one is the one
    /// the targets are judged on, and the only one the crash tick runs with.</summary>
    public IReadOnlyList<string> WaitStrategies { get; private set; } = ["busy-spin"];

    /// <summary>Paced rates, inputs per second.</summary>
    public IReadOnlyList<long> Rates { get; private set; } = [100_000, 1_000_000, 5_000_000];

    /// <summary>Positions in the latency and crash books.</summary>
    public int Positions { get; private set; } = 1_000_000;

    /// <summary>Seconds of each paced run, by rate (quick runs are shorter).</summary>
    public double SecondsAt(long rate) => Quick ? (rate >= 5_000_000 ? 0.4 : 0.5) : (rate >= 5_000_000 ? 2 : 3);

    /// <summary>Seconds of the paced warm-up at 1M/s.</summary>
    public double WarmupSeconds => Quick ? 0.3 : 1;

    /// <summary>Ticks of the flat-out run.</summary>
    public int ThroughputEvents => Quick ? 2_000_000 : 10_000_000;

    /// <summary>Crash ticks (each on a freshly built book).</summary>
    public int CascadeRepeats => Quick ? 1 : 3;

    /// <summary>The usage text.</summary>
    public const string Usage = """
        LiquidationEngine.Latency [--quick] [--json PATH] [--scenario memory,paced,throughput,cascade]
                                  [--wait busy-spin[,yielding|sleeping|blocking...]] [--rates 100000,1000000,5000000] [--positions N]
        """;

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">An unknown or incomplete argument.</exception>
    public static HarnessOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new HarnessOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--quick":
                    o.Quick = true;
                    break;
                case "--json":
                    o.JsonPath = Value();
                    break;
                case "--wait":
                    o.WaitStrategies = Value().Split(',');
                    break;
                case "--positions":
                    o.Positions = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--rates":
                    o.Rates = Value().Split(',').Select(r => long.Parse(r, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--scenario":
                    o.Scenarios.Clear();
                    o.Scenarios.UnionWith(Value().Split(','));
                    break;
                default:
                    throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        return o;
    }
}
