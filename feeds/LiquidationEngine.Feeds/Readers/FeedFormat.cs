namespace LiquidationEngine.Feeds;

/// <summary>The file formats the readers understand. <see cref="FeedFormats"/> gives their command-line names.</summary>
public enum FeedFormat : byte
{
    /// <summary>Detect from the content (see <see cref="FeedReaderFactory.Detect(ReadOnlySpan{byte})"/>).</summary>
    Auto = 0,

    /// <summary><c>binance-stream</c>: Binance USDⓈ-M websocket recording, read by <see cref="BinanceStreamReader"/>.</summary>
    BinanceStream,

    /// <summary><c>tardis</c>: Tardis.dev derivative_ticker CSV, read by <see cref="TardisDerivativeTickerReader"/>.</summary>
    Tardis,

    /// <summary><c>binance-klines</c>: Binance markPriceKlines CSV, read by <see cref="BinanceMarkPriceKlinesReader"/>.</summary>
    BinanceKlines,

    /// <summary><c>generic</c>: timestamp,symbol,mark_price[,funding_rate] CSV, read by <see cref="GenericCsvReader"/>.</summary>
    Generic,

    /// <summary><c>binary</c>: the engine's LQTK tick format, read by <see cref="BinaryTickReader"/>.</summary>
    Binary,
}
