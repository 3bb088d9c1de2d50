using HdrHistogram;
using System.Globalization;
using System.Text;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.State;

namespace LiquidationEngine.Replay;

/// <summary>What a replay did: counts, money per asset, the final state hash, the report's records and the timings.
/// Money is raw fixed point (10^-8); only the timings and throughput vary between runs of the same input.</summary>
public sealed class ReplayResult
{
    /// <summary>Where the inputs came from (set by the caller), e.g. the built-in scenario or the feed files.</summary>
    public string InputDescription { get; set; } = string.Empty;

    /// <summary>Where the book came from.</summary>
    public string BookSource { get; set; } = string.Empty;

    /// <summary>Positions in the book.</summary>
    public int BookPositions { get; set; }

    /// <summary>Accounts in the book.</summary>
    public int BookAccounts { get; set; }

    /// <summary>Commands that loaded the book.</summary>
    public long BookCommands { get; set; }

    /// <summary>Rows of the positions file the loader rejected (set by the caller).</summary>
    public IReadOnlyList<BookError> BookErrors { get; set; } = [];

    /// <summary>Book rows the engine rejected (insufficient balance, leverage above the bracket, ...), with their line.</summary>
    public IReadOnlyList<BookError> BookRejects { get; set; } = [];

    /// <summary>Bad input lines per kind (set by the caller from the feed readers), in kind order.</summary>
    public IReadOnlyList<(string Kind, long Count)> InputErrorCounts { get; set; } = [];

    /// <summary>Input lines accepted after a documented repair (a kline bar widened to include its open and close), set by
    /// the caller from the feed readers; not errors.</summary>
    public long InputWarnings { get; set; }

    /// <summary>The first places (<c>file:line</c>) of each kind of bad input, in kind order (set by the caller).</summary>
    public IReadOnlyList<(string Kind, IReadOnlyList<string> Places)> InputErrorPlaces { get; set; } = [];

    /// <summary>The first bad input lines of each kind, <c>file:line: kind: reason</c> (set by the caller).</summary>
    public IReadOnlyList<string> InputErrorSamples { get; set; } = [];

    /// <summary>How liquidation orders were executed.</summary>
    public SimulatedExecution Execution { get; set; } = new(FillMode.Bankruptcy);

    /// <summary>Mark ticks published.</summary>
    public long Marks { get; set; }

    /// <summary>Funding settlements published.</summary>
    public long FundingSettlements { get; set; }

    /// <summary>Funding settlements skipped because their instrument had no mark yet.</summary>
    public long FundingWithoutPrice { get; set; }

    /// <summary>Feed time of the first tick, µs.</summary>
    public long FirstTimestampUs { get; set; }

    /// <summary>Feed time of the last tick, µs.</summary>
    public long LastTimestampUs { get; set; }

    /// <summary>Liquidation-side orders by <see cref="OrderKind"/> (index 1 full, 2 partial, 3 ADL).</summary>
    public long[] OrdersByKind { get; set; } = new long[4];

    /// <summary>Orders filled by the simulated matching engine.</summary>
    public long Fills { get; set; }

    /// <summary>Orders reported not filled (insurance fund takeover, or ADL when the fund could not absorb the loss).</summary>
    public long Takeovers { get; set; }

    /// <summary>Orders whose simulated price was beyond their limit (not filled unless allowed).</summary>
    public long BeyondLimit { get; set; }

    /// <summary>Liquidation fees per asset, raw money.</summary>
    public long[] Fees { get; set; } = [];

    /// <summary>Liquidated notional (fills at their price, takeovers at the bankruptcy price) per asset, raw money.</summary>
    public long[] LiquidatedNotional { get; set; } = [];

    /// <summary>Insurance fund movement reported by settlement events per asset, raw money.</summary>
    public long[] SettlementFundDelta { get; set; } = [];

    /// <summary>Insurance fund per asset before the first tick (the top-up), raw money.</summary>
    public long[] InsuranceFundStart { get; set; } = [];

    /// <summary>Insurance fund per asset in the final state, raw money.</summary>
    public long[] InsuranceFundEnd { get; set; } = [];

    /// <summary>Ticks the engine rejected, by reason.</summary>
    public IReadOnlyList<(RejectReason Reason, long Count)> TickRejects { get; set; } = [];

    /// <summary>Fill reports the engine rejected (should be none).</summary>
    public long ExecutionRejects { get; set; }

    /// <summary>Positions open (or being liquidated) at the end.</summary>
    public int PositionsOpenAtEnd { get; set; }

    /// <summary>Accounts at the end.</summary>
    public int AccountsAtEnd { get; set; }

    /// <summary>Liquidation orders still open at the end (should be none).</summary>
    public int OpenOrdersAtEnd { get; set; }

    /// <summary><see cref="StateHasher"/> of the final state.</summary>
    public ulong StateHash { get; set; }

    /// <summary>Events the output thread delivered.</summary>
    public long Events { get; set; }

    /// <summary>Inputs published after the book (ticks and execution reports).</summary>
    public long InputsPublished { get; set; }

    /// <summary>Publish → ack latency of ticks and execution reports, ns.</summary>
    public LongHistogram Latency { get; set; } = Latencies.Create();

    /// <summary>Every liquidation order, in event order, with its outcome.</summary>
    public IReadOnlyList<LiquidationRecord> Liquidations { get; set; } = [];

    /// <summary>Funding settlements applied.</summary>
    public IReadOnlyList<FundingMarker> FundingEvents { get; set; } = [];

    /// <summary>Mark series of the instruments that ticked.</summary>
    public IReadOnlyList<MarkSeries> Series { get; set; } = [];

    /// <summary>Why the run stopped early (strict mode on bad input, engine not answering), or null.</summary>
    public string? Failure { get; set; }

    /// <summary>The run was cancelled (Ctrl+C).</summary>
    public bool Cancelled { get; set; }

    /// <summary>Time to load the book.</summary>
    public TimeSpan BookLoadTime { get; set; }

    /// <summary>Time from the first tick to the last answer.</summary>
    public TimeSpan ReplayTime { get; set; }

    /// <summary>Time until the pipeline stopped.</summary>
    public TimeSpan EngineTime { get; set; }

    /// <summary>Whole run time.</summary>
    public TimeSpan TotalTime { get; set; }

    /// <summary>Instruments that ticked.</summary>
    public int Instruments => Series.Count;

    /// <summary>Total bad input lines.</summary>
    public long InputErrorTotal => InputErrorCounts.Sum(c => c.Count);

    /// <summary>The summary lines that are the same on every run of the same inputs (no timings).</summary>
    public IReadOnlyList<(string Label, string Text)> DeterministicLines(InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var lines = new List<(string, string)>
        {
            ("input", InputDescription),
            ("positions", BookSource),
            ("execution", Execution.Describe()),
        };
        if (Marks + FundingSettlements > 0)
        {
            string span = FormatDuration(TimeSpan.FromTicks((LastTimestampUs - FirstTimestampUs) * 10));
            lines.Add(("feed time", $"{LiquidationLog.FormatTime(FirstTimestampUs)} → {LiquidationLog.FormatTime(LastTimestampUs)} ({span})"));
        }

        lines.Add(("ticks", $"{N(Marks)} marks, {N(FundingSettlements)} funding settlements, {N(Instruments)} instrument{(Instruments == 1 ? string.Empty : "s")}"
            + (FundingWithoutPrice > 0 ? $", {N(FundingWithoutPrice)} settlements skipped (no mark yet)" : string.Empty)));
        int rejectedRows = BookErrors.Count + BookRejects.Count;
        lines.Add(("book", $"{N(BookPositions)} positions in {N(BookAccounts)} accounts"
            + (rejectedRows > 0 ? $"; {N(rejectedRows)} rows rejected" : "; no row rejected")));
        lines.Add(("bad input", InputErrorTotal == 0
            ? "none"
            : $"{N(InputErrorTotal)} lines skipped: " + string.Join(", ", InputErrorCounts.Select(c => $"{c.Kind} {N(c.Count)}"))));
        foreach ((string kind, IReadOnlyList<string> places) in InputErrorPlaces)
        {
            long count = InputErrorCounts.FirstOrDefault(c => c.Kind == kind).Count;
            lines.Add((string.Empty, $"{kind} at {string.Join(", ", places)}" + (count > places.Count ? $" and {N(count - places.Count)} more (errors.txt)" : string.Empty)));
        }

        if (InputWarnings > 0)
        {
            lines.Add(("warnings", $"{N(InputWarnings)} bars widened to include their open/close (docs/FEEDS.md, binance-klines)"));
        }

        lines.Add(("liquidations", $"{N(OrdersByKind[(int)OrderKind.Full] + OrdersByKind[(int)OrderKind.Partial])} orders "
            + $"(full {N(OrdersByKind[(int)OrderKind.Full])}, partial {N(OrdersByKind[(int)OrderKind.Partial])}), ADL {N(OrdersByKind[(int)OrderKind.Adl])}"));
        lines.Add(("outcomes", $"{N(Fills)} filled, {N(Takeovers)} not filled (fund takeover/ADL), {N(BeyondLimit)} priced beyond the limit"));
        for (int a = 0; a < catalog.Assets.Count; a++)
        {
            long start = At(InsuranceFundStart, a);
            long end = At(InsuranceFundEnd, a);
            if (start == 0 && end == 0 && At(LiquidatedNotional, a) == 0)
            {
                continue;
            }

            lines.Add(($"{catalog.Assets[a]}", $"liquidated {M(At(LiquidatedNotional, a))}, fees {M(At(Fees, a))}, "
                + $"insurance fund {M(start)} → {M(end)} (Δ {Signed(end - start)})"));
        }

        if (TickRejects.Count > 0 || ExecutionRejects > 0)
        {
            lines.Add(("rejected", string.Join(", ", TickRejects.Select(r => $"ticks {r.Reason} {N(r.Count)}"))
                + (ExecutionRejects > 0 ? $" execution reports {N(ExecutionRejects)}" : string.Empty)));
        }

        lines.Add(("end state", $"{N(PositionsOpenAtEnd)} positions open, {N(OpenOrdersAtEnd)} orders open, state hash {StateHash:x16}"));
        if (Failure is not null)
        {
            lines.Add(("STOPPED", Failure));
        }

        if (Cancelled)
        {
            lines.Add(("STOPPED", "cancelled"));
        }

        return lines;
    }

    /// <summary>The timing lines (vary from run to run).</summary>
    public IReadOnlyList<(string Label, string Text)> TimingLines()
    {
        double seconds = Math.Max(ReplayTime.TotalSeconds, 1e-9);
        return
        [
            ("wall time", $"{TotalTime.TotalSeconds:0.00} s (book load {BookLoadTime.TotalSeconds:0.00} s, replay {ReplayTime.TotalSeconds:0.00} s)"),
            ("throughput", $"{InputsPublished / seconds:N0} inputs/s ({(Marks + FundingSettlements) / seconds:N0} ticks/s)"),
            ("latency", Latency.TotalCount == 0
                ? "no samples"
                : $"publish→ack p50 {Us(Latency.GetValueAtPercentile(50))}, p90 {Us(Latency.GetValueAtPercentile(90))}, "
                    + $"p99 {Us(Latency.GetValueAtPercentile(99))}, p99.9 {Us(Latency.GetValueAtPercentile(99.9))}, max {Us(Latency.GetMaxValue())} (n = {N(Latency.TotalCount)})"),
        ];
    }

    /// <summary>The whole summary as plain text: deterministic lines, then timings.</summary>
    public string ToText(InstrumentCatalog catalog)
    {
        var b = new StringBuilder();
        b.Append("Replay summary\n");
        foreach ((string label, string text) in DeterministicLines(catalog))
        {
            b.Append("  ").Append(label.PadRight(13)).Append(text).Append('\n');
        }

        foreach ((string label, string text) in TimingLines())
        {
            b.Append("  ").Append(label.PadRight(13)).Append(text).Append('\n');
        }

        return b.ToString();
    }

    private static long At(long[] values, int i) => i < values.Length ? values[i] : 0;

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Money, exactly, with thousands separators in the integer part.</summary>
    internal static string M(long raw)
    {
        string s = FixedPoint.Format(raw, Money.Decimals);
        int dot = s.IndexOf('.', StringComparison.Ordinal);
        string integer = dot < 0 ? s : s[..dot];
        string fraction = dot < 0 ? string.Empty : s[dot..];
        bool negative = integer.StartsWith('-');
        string digits = negative ? integer[1..] : integer;
        var grouped = new StringBuilder();
        for (int i = 0; i < digits.Length; i++)
        {
            if (i > 0 && (digits.Length - i) % 3 == 0)
            {
                grouped.Append(',');
            }

            grouped.Append(digits[i]);
        }

        return (negative ? "-" : string.Empty) + grouped + fraction;
    }

    private static string Signed(long raw) => raw > 0 ? "+" + M(raw) : M(raw);

    private static string Us(long nanoseconds) => nanoseconds < 10_000
        ? $"{nanoseconds / 1000.0:0.0} µs"
        : $"{nanoseconds / 1000.0:N0} µs";

    private static string FormatDuration(TimeSpan t) => t.TotalHours >= 1
        ? $"{t.TotalHours:0.##} h"
        : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.##} min" : $"{t.TotalSeconds:0.###} s";
}
