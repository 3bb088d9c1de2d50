using LiquidationEngine.Replay;

namespace LiquidationEngine.Host.Replay;

/// <summary>Everything <c>liqengine replay</c> accepts (docs/REPLAY.md, "Options"). Defaults run the built-in scenario.</summary>
public sealed record ReplayOptions
{
    /// <summary>Tick files to replay (any feed format, plain or gzip), merged by timestamp. Empty: the built-in scenario.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>Format of every input: <c>auto</c> (detect per file), <c>binance-stream</c>, <c>tardis</c>,
    /// <c>binance-klines</c>, <c>generic</c> or <c>binary</c>.</summary>
    public string Format { get; init; } = "auto";

    /// <summary>Instrument (engine or venue symbol) of the inputs whose rows carry none (binance-klines). Null: each such
    /// file's name up to its first '-'.</summary>
    public string? Symbol { get; init; }

    /// <summary>Instruments config. Null: <c>config/instruments.json</c> beside the executable, else in the current directory.</summary>
    public string? InstrumentsPath { get; init; }

    /// <summary>Positions snapshot (CSV, or JSON by extension). Null: generate a book.</summary>
    public string? PositionsPath { get; init; }

    /// <summary>Positions to generate when no snapshot is given. Null: 100,000 for the built-in scenario, 10,000 for files.</summary>
    public int? GeneratePositions { get; init; }

    /// <summary>Seed of the generated book (and of the built-in scenario's mark path).</summary>
    public ulong Seed { get; init; } = BuiltInScenario.DefaultSeed;

    /// <summary>Instruments (engine or venue symbols) to generate positions on. Empty: those the input files tick first.</summary>
    public IReadOnlyList<string> Symbols { get; init; } = [];

    /// <summary>Generated entries: <c>first-mark</c> (each instrument's first mark in the input) or <c>reference</c> (its referencePrice).</summary>
    public string Anchor { get; init; } = "first-mark";

    /// <summary>Generated entries spread ± this many basis points around the anchor.</summary>
    public int EntrySpreadBps { get; init; } = 100;

    /// <summary>Write the book used (generated or loaded) to this CSV file, in the positions format.</summary>
    public string? WriteBookPath { get; init; }

    /// <summary>Pacing: 0 (or "max") = as fast as possible; otherwise real time × this factor (1 = real time, 60 = a minute per second).</summary>
    public double Speed { get; init; }

    /// <summary>Fill mode: <c>bankruptcy</c>, <c>next-mark</c>, <c>slippage</c> or <c>no-fill</c>.</summary>
    public string Fill { get; init; } = "next-mark";

    /// <summary>Adverse slippage for <c>--fill slippage</c>, in basis points.</summary>
    public int SlippageBps { get; init; } = 10;

    /// <summary>Let next-mark and slippage fills go beyond the bankruptcy price (the insurance fund pays the shortfall)
    /// instead of reporting a no-fill.</summary>
    public bool FillBeyondLimit { get; init; }

    /// <summary>Feed-time length of a matching round, in milliseconds: orders are answered at the end of their round.</summary>
    public int MatchIntervalMs { get; init; } = 1000;

    /// <summary>Initial insurance fund of every settlement asset, an exact decimal (e.g. "250000").</summary>
    public string InsuranceFund { get; init; } = "0";

    /// <summary>Stop at the first bad input line or rejected book row, with a non-zero exit code.</summary>
    public bool Strict { get; init; }

    /// <summary>Output directory. Null: <c>./out/replay-&lt;scenario&gt;/</c>.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Skip the HTML report.</summary>
    public bool NoReport { get; init; }

    /// <summary>Force plain progress lines even on a terminal.</summary>
    public bool Plain { get; init; }

    /// <summary>Bad input lines of each kind listed in the console and the summary (every one goes to errors.txt).</summary>
    public int MaxErrorsShown { get; init; } = 3;

    /// <summary>Seconds between the built-in scenario's marks.</summary>
    public int StepSeconds { get; init; } = (int)BuiltInScenario.DefaultStepSeconds;

    /// <summary>Replay a daemon journal (a journal directory, or a data directory holding <c>journal/</c>) instead of
    /// ticks: the recorded inputs through the writer's code, printing the orders and the final state hash
    /// (docs/OPERATIONS.md). The other options do not apply.</summary>
    public string? JournalPath { get; init; }

    /// <summary>Also record the run's inputs as a daemon journal in this directory (replayable with <see cref="JournalPath"/>).</summary>
    public string? JournalOutPath { get; init; }

    /// <summary>Pipeline wait strategy: <c>busy-spin</c>, <c>yielding</c>, <c>sleeping</c> or <c>blocking</c>.</summary>
    public string WaitStrategy { get; init; } = "yielding";
}
