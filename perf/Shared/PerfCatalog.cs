using LiquidationEngine.Instruments;

namespace LiquidationEngine.Perf;

/// <summary>The 200-instrument catalog every performance figure is measured over.</summary>
/// <remarks>
/// config/instruments.json holds 160 instruments. The pipeline issue's targets are stated "over 200 instruments",
/// so the last 40 are copies of instruments 0..39 (same risk table, tick, lot, fee and reference price, symbol
/// suffixed <c>-X2</c>). They are ordinary instruments to the engine: their own marks, funding and index trees.
/// </remarks>
public static class PerfCatalog
{
    /// <summary>Instruments in the benchmark catalog.</summary>
    public const int InstrumentCount = 200;

    /// <summary>Loads config/instruments.json (next to the binaries, else found upwards) and tops it up to 200 instruments.</summary>
    public static InstrumentCatalog Load()
    {
        InstrumentCatalog configured = InstrumentCatalog.Load(FindConfig());
        var instruments = new List<Instrument>(configured.Instruments);
        for (int k = 0; instruments.Count < InstrumentCount; k++)
        {
            Instrument source = configured[k % configured.Count];
            instruments.Add(new Instrument(
                instruments.Count,
                source.Symbol + "-X2",
                source.SettlementAsset,
                source.TickSize,
                source.LotSize,
                source.LiquidationFeeRate,
                source.Basis,
                source.Brackets.ToArray(),
                source.ReferencePrice));
        }

        var aliases = configured.Aliases.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new InstrumentCatalog(configured.Assets, instruments, aliases);
    }

    /// <summary>How many instruments came from the config file (the rest are copies).</summary>
    public static int ConfiguredCount() => InstrumentCatalog.Load(FindConfig()).Count;

    private static string FindConfig()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "config", "instruments.json");
        if (File.Exists(beside))
        {
            return beside;
        }

        // BenchmarkDotNet's generated projects run from their own folder: look upwards for the repository's config.
        for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "config", "instruments.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("config/instruments.json not found beside the binaries or above the working directory.");
    }
}
