namespace LiquidationEngine.Feeds;

/// <summary>How readers map symbols, report errors and derive settlements.</summary>
/// <remarks>One instance may be shared by several readers (e.g. all inputs of a <see cref="FeedMerger"/>): they then
/// report into the same <see cref="Errors"/> sink.</remarks>
public sealed class FeedReaderOptions
{
    /// <summary>Venue → instrument symbol mapping. Default: <see cref="SymbolMap.PassThrough"/>.</summary>
    public SymbolMap Symbols { get; init; } = SymbolMap.PassThrough;

    /// <summary>Receives every error. Default: a new <see cref="FeedErrorCollector"/> per options instance.</summary>
    public IFeedErrorSink Errors { get; init; } = new FeedErrorCollector();

    /// <summary>When true the first bad line throws <see cref="FeedException"/> (after being reported to
    /// <see cref="Errors"/>); when false (default) it is reported, skipped, and reading goes on.</summary>
    public bool Strict { get; init; }

    /// <summary>How long past a symbol's funding time its later records are held, waiting for the rollover that
    /// reveals the settlement (binance-stream and tardis formats). Default one minute; Binance rolls over within a second.</summary>
    public TimeSpan SettlementHoldback { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Instrument (venue) symbol for formats whose rows carry none (binance-klines). Default: the file name
    /// up to its first '-' (<c>BTCUSDT-1m-2023-04.csv</c> → <c>BTCUSDT</c>). Mapped through <see cref="Symbols"/>.</summary>
    public string? KlinesSymbol { get; init; }

    /// <summary>Bar length for binance-klines. Default: inferred as the smallest gap between consecutive open times,
    /// one minute until a second bar is seen.</summary>
    public TimeSpan? KlinesInterval { get; init; }
}
