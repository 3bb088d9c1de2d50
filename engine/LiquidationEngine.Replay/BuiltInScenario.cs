using LiquidationEngine.Instruments;

namespace LiquidationEngine.Replay;

/// <summary>
/// The replay's embedded default, "crash-and-recovery": a generated book of isolated positions on BTC, ETH, SOL and
/// DOGE USDT perpetuals, and a seeded 12-hour mark path with a calm drift up, a funding settlement, a 12% crash
/// (BTC; the others move 1.25–1.9 times as far) with a 20-second flash leg that gaps past bankruptcy prices, a dead-cat
/// bounce, a recovery into a short squeeze, and a second funding settlement.
/// Everything is derived from the seed, so every run is the same (docs/REPLAY.md, "The built-in scenario").
/// </summary>
public sealed class BuiltInScenario
{
    /// <summary>The scenario's name, used for the default output directory.</summary>
    public const string Name = "crash-and-recovery";

    /// <summary>Start: 2025-01-14 20:00:00 UTC, µs since the epoch (funding falls at 00:00 and 08:00 UTC).</summary>
    public const long StartUs = 1_736_884_800_000_000;

    /// <summary>Length: 12 hours.</summary>
    public const long DurationSeconds = 12 * 3600;

    /// <summary>Default position count.</summary>
    public const int DefaultPositions = 100_000;

    /// <summary>Default seed.</summary>
    public const ulong DefaultSeed = 42;

    /// <summary>Default seconds between marks.</summary>
    public const long DefaultStepSeconds = 2;

    /// <summary>The instruments, with beta (percent of the shape's move), noise (ppm per step) and funding multiplier (percent).</summary>
    public static IReadOnlyList<(string Symbol, int BetaPercent, int NoisePpm, int FundingPercent)> Instruments { get; } =
    [
        ("BTC-USDT-PERP", 100, 150, 100),
        ("ETH-USDT-PERP", 125, 200, 120),
        ("SOL-USDT-PERP", 160, 300, 200),
        ("DOGE-USDT-PERP", 190, 350, 300),
    ];

    /// <summary>The shape (BTC basis points from the start): drift up, pump into funding, crash with a flash leg, bounce, retest, recovery, squeeze.</summary>
    public static IReadOnlyList<PathKnot> Shape { get; } =
    [
        new(0, 0),
        new(12_600, 100),      // 23:30 calm drift up
        new(14_400, 200),      // 00:00 pump into the funding settlement
        new(18_000, 100),      // 01:00 drift back
        new(18_900, -400),     // 01:15 first leg down
        new(19_080, -650),     // 01:18 selling accelerates
        new(19_100, -1_150),   // 01:18:20 flash leg: −5% in 20 s, marks gap past bankruptcy prices
        new(19_200, -1_200),   // 01:20 low
        new(19_800, -850),     // 01:30 dead-cat bounce
        new(21_600, -1_000),   // 02:00 retest
        new(32_400, 100),      // 05:00 recovery
        new(36_000, 350),      // 06:00 short squeeze
        new(43_200, 200),      // 08:00 calm
    ];

    /// <summary>Funding settlements: +0.01% at 00:00 UTC (longs pay), −0.005% at 08:00 UTC (shorts pay).</summary>
    public static IReadOnlyList<PathFunding> Funding { get; } =
    [
        new(14_400, 1_000_000),
        new(43_200, -500_000),
    ];

    private readonly InstrumentCatalog _catalog;
    private readonly PathInstrument[] _path;

    private BuiltInScenario(InstrumentCatalog catalog, PathInstrument[] path, PositionBook book, ulong seed, long stepSeconds)
    {
        _catalog = catalog;
        _path = path;
        Book = book;
        Seed = seed;
        StepSeconds = stepSeconds;
    }

    /// <summary>The generated book.</summary>
    public PositionBook Book { get; }

    /// <summary>The seed of the book (the path uses seed + 1).</summary>
    public ulong Seed { get; }

    /// <summary>Seconds between marks.</summary>
    public long StepSeconds { get; }

    /// <summary>Instrument indices of the scenario.</summary>
    public IReadOnlyList<int> InstrumentIndices => [.. _path.Select(p => p.Instrument)];

    /// <summary>Builds the scenario over a catalog that has the four instruments with reference prices.</summary>
    /// <exception cref="ArgumentException">An instrument is missing or has no reference price.</exception>
    public static BuiltInScenario Create(InstrumentCatalog catalog, int positions = DefaultPositions, ulong seed = DefaultSeed, long stepSeconds = DefaultStepSeconds)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var path = new PathInstrument[Instruments.Count];
        var anchors = new Dictionary<int, long>();
        for (int i = 0; i < path.Length; i++)
        {
            (string symbol, int beta, int noise, int funding) = Instruments[i];
            if (!catalog.TryFind(symbol, out Instrument inst))
            {
                throw new ArgumentException($"the built-in scenario needs {symbol} in the instruments config.", nameof(catalog));
            }

            if (inst.ReferencePrice.Raw <= 0)
            {
                throw new ArgumentException($"the built-in scenario needs a referencePrice for {symbol}.", nameof(catalog));
            }

            path[i] = new PathInstrument(inst.Index, inst.ReferencePrice.Raw, beta, noise, funding);
            anchors[inst.Index] = inst.ReferencePrice.Raw;
        }

        PositionBook book = SyntheticBookGenerator.Generate(catalog, new SyntheticBookOptions
        {
            Positions = positions,
            Seed = seed,
            Instruments = [.. path.Select(p => p.Instrument)],
            AnchorPrices = anchors,
        });
        return new BuiltInScenario(catalog, path, book, seed, stepSeconds);
    }

    /// <summary>A fresh reader of the mark path (each call starts from the beginning, with the same marks).</summary>
    public ScenarioMarkPath NewInput()
        => new(_catalog, _path, Shape, Funding, StartUs, DurationSeconds, StepSeconds, unchecked(Seed + 1));

    /// <summary>One line for the summary.</summary>
    public string Describe()
        => $"built-in scenario \"{Name}\": {Book.Positions.Count:N0} generated positions on "
            + $"{string.Join(", ", _path.Select(p => _catalog[p.Instrument].Symbol))}, 12 h of marks every {StepSeconds} s, seed {Seed}";
}
