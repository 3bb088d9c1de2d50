using LiquidationEngine.Numerics;
using LiquidationEngine.Csv;

namespace LiquidationEngine.Feeds;

/// <summary>Reads Binance <c>markPriceKlines</c> CSV files (<c>open_time,open,high,low,close,...</c>, open_time in ms;
/// with or without a header line) and expands every bar into four mark ticks.</summary>
/// <remarks>
/// <para><b>Intrabar order.</b> A bar does not say in which order its high and low happened. Each bar becomes four
/// ticks: the open at <c>open_time</c>; then the high and the low, the one nearer to the open first
/// (high first when <c>|high − open| ≤ |open − low|</c>, which includes a tie; otherwise low first), at
/// <c>open_time + interval/4</c> and <c>open_time + 2·interval/4</c>; then the close at <c>open_time + 3·interval/4</c>.
/// "Nearer extreme first" is the usual assumption (the path open → near extreme → far extreme → close is the shortest
/// one consistent with the bar); it can be wrong for a given bar, so a backtest on bars is an approximation.</para>
/// <para><b>Interval.</b> <see cref="FeedReaderOptions.KlinesInterval"/> when set; otherwise the smallest gap seen
/// between consecutive open times (a bar is emitted only once the next one is read, so its ticks never pass the next
/// bar's open), one minute for a lone bar.</para>
/// <para><b>Symbol.</b> Klines files do not carry one: <see cref="FeedReaderOptions.KlinesSymbol"/>, else the file
/// name up to its first '-' (<c>BTCUSDT-1m-2023-04.csv</c> → <c>BTCUSDT</c>), mapped through the symbol map.</para>
/// <para>Open times of 10^15 or more are taken as µs (Binance's spot klines switched to µs in 2025); smaller ones as ms.
/// A bar whose open or close lies outside its high/low is widened to include them (high = max(open, high, close),
/// low = min(open, low, close)) and counted in <see cref="FeedReaderStatistics.Warnings"/>; only a high below the low
/// is malformed.</para>
/// </remarks>
public sealed class BinanceMarkPriceKlinesReader : FeedReader
{
    /// <summary>Interval used for a file with a single bar and no configured interval.</summary>
    private const long DefaultIntervalUs = 60_000_000;

    /// <summary>The instrument symbol, or null when the map does not know it.</summary>
    private readonly string? _symbol;

    /// <summary>The venue symbol before mapping, for the unknown-symbol message.</summary>
    private readonly string _venueSymbol;

    /// <summary>Configured interval in µs, or 0 to infer it.</summary>
    private readonly long _configuredIntervalUs;

    /// <summary>Smallest gap seen between consecutive open times, µs; 0 before the second bar.</summary>
    private long _inferredIntervalUs;

    /// <summary>The last bar read, not yet expanded (it waits for the next bar's open time).</summary>
    private Bar _pending;

    /// <summary>Whether <see cref="_pending"/> holds a bar.</summary>
    private bool _hasPending;

    /// <summary>First non-blank line seen (it may be the header).</summary>
    private bool _firstLineSeen;

    /// <summary>The unknown-symbol error was reported; the file yields nothing.</summary>
    private bool _symbolReported;

    /// <summary>Reads a markPriceKlines file from <paramref name="stream"/> (plain or gzip).</summary>
    /// <param name="stream">The CSV.</param>
    /// <param name="file">Name used in records and errors; its prefix is the default symbol.</param>
    /// <param name="options">Symbol map, klines symbol and interval, error sink, strictness; defaults when null.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open when the reader is disposed.</param>
    public BinanceMarkPriceKlinesReader(Stream stream, string file, FeedReaderOptions? options = null, bool leaveOpen = false)
        : this(new FeedInput(stream, file, leaveOpen), options)
    {
    }

    internal BinanceMarkPriceKlinesReader(FeedInput input, FeedReaderOptions? options)
        : base(input, options)
    {
        _venueSymbol = Options.KlinesSymbol ?? SymbolFromFileName(input.File);
        _symbol = Options.Symbols.TryMap(_venueSymbol, out string? mapped) ? mapped : null;
        if (Options.KlinesInterval is TimeSpan interval)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromMilliseconds(1), nameof(options));
            _configuredIntervalUs = interval.Ticks / 10;
        }
    }

    /// <summary>The instrument symbol the ticks carry, or null when the symbol map does not know it.</summary>
    public string? Symbol => _symbol;

    /// <summary>Opens a markPriceKlines file (plain or gzip).</summary>
    public static BinanceMarkPriceKlinesReader Open(string path, FeedReaderOptions? options = null)
        => new(System.IO.File.OpenRead(path), path, options);

    /// <summary>The default symbol for a klines file: its name up to the first '-' (or the first '.', without one).</summary>
    public static string SymbolFromFileName(string file)
    {
        string name = Path.GetFileName(file);
        int dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            return name[..dash];
        }

        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? name[..dot] : name;
    }

    private protected override void ParseLine(ReadOnlySpan<byte> line, long lineNumber)
    {
        Span<Range> fields = stackalloc Range[16];
        int count = CsvFields.Split(line, fields);
        bool firstLine = !_firstLineSeen;
        _firstLineSeen = true;
        if (firstLine && count > 0 && line[fields[0]].Trim(" "u8).SequenceEqual("open_time"u8))
        {
            CountHeaderLine();
            return;
        }

        if (_symbol is null)
        {
            if (!_symbolReported)
            {
                _symbolReported = true;
                Reject(FeedErrorKind.UnknownSymbol, lineNumber, $"klines symbol '{_venueSymbol}' is not in the symbol map; the file yields nothing");
            }
            else
            {
                CountSkipped();
            }

            return;
        }

        if (count < 5)
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, $"expected at least 5 fields (open_time,open,high,low,close), found {(count < 0 ? "more than 16" : count)}");
            return;
        }

        if (!FieldParsing.TryParseDigits(line[fields[0]], out long openTime)
            || !TryOpenTimeToMicros(openTime, out long openTimeUs))
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, $"open_time {FieldParsing.Quote(line[fields[0]])} is not integer milliseconds");
            return;
        }

        Span<Price> ohlc = stackalloc Price[4];
        ReadOnlySpan<string> names = ["open", "high", "low", "close"];
        for (int i = 0; i < 4; i++)
        {
            string? error = FieldParsing.TryParsePrice(line[fields[i + 1]], out ohlc[i]);
            if (error is not null)
            {
                Reject(FeedErrorKind.InvalidPrice, lineNumber, $"{names[i]}: {error}");
                return;
            }
        }

        if (ohlc[1] < ohlc[2])
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, $"bar is inconsistent: high {ohlc[1]} is below low {ohlc[2]}");
            return;
        }

        // Widen, not reject: venues whose bar open is the previous close (BitMEX) print opens outside high/low.
        Price high = Max(ohlc[1], Max(ohlc[0], ohlc[3]));
        Price low = Min(ohlc[2], Min(ohlc[0], ohlc[3]));
        bool widened = high != ohlc[1] || low != ohlc[2];
        var bar = new Bar(openTimeUs, ohlc[0], high, low, ohlc[3], lineNumber);

        if (_hasPending)
        {
            long gap = bar.OpenTimeUs - _pending.OpenTimeUs;
            bool overlapsPrevious = _configuredIntervalUs > 0 && gap < 3 * _configuredIntervalUs / 4;
            if (gap <= 0 || overlapsPrevious)
            {
                Reject(
                    FeedErrorKind.OutOfOrderTimestamp,
                    lineNumber,
                    $"bar opens at {FormatUs(bar.OpenTimeUs)}, not after the previous bar (opened {FormatUs(_pending.OpenTimeUs)})");
                return;
            }

            if (_configuredIntervalUs == 0 && (_inferredIntervalUs == 0 || gap < _inferredIntervalUs))
            {
                _inferredIntervalUs = gap;
            }

            EmitPending();
        }

        if (widened)
        {
            CountWarning();
        }

        _pending = bar;
        _hasPending = true;
    }

    private protected override void OnEndOfInput()
    {
        if (_hasPending)
        {
            EmitPending();
        }
    }

    /// <summary>Open times of 10^15 and more are µs already; smaller ones are ms.</summary>
    private static bool TryOpenTimeToMicros(long openTime, out long micros)
    {
        if (openTime >= 1_000_000_000_000_000)
        {
            micros = openTime;
        }
        else if (!FieldParsing.TryMillisToMicros(openTime, out micros))
        {
            return false;
        }

        // Leave room for the bar's last tick, up to a day later.
        return micros <= FieldParsing.MaxTimestampUs - 86_400_000_000;
    }

    /// <summary>Expands the pending bar into its four ticks (see the class remarks for the order).</summary>
    private void EmitPending()
    {
        _hasPending = false;
        Bar bar = _pending;
        long interval = _configuredIntervalUs > 0 ? _configuredIntervalUs
            : _inferredIntervalUs > 0 ? _inferredIntervalUs
            : DefaultIntervalUs;
        bool highFirst = (bar.High.Raw - bar.Open.Raw) <= (bar.Open.Raw - bar.Low.Raw);
        Price second = highFirst ? bar.High : bar.Low;
        Price third = highFirst ? bar.Low : bar.High;
        string symbol = _symbol!;
        Queue.Insert(FeedRecord.MarkPrice(bar.OpenTimeUs, symbol, bar.Open, File, bar.Line));
        Queue.Insert(FeedRecord.MarkPrice(bar.OpenTimeUs + (interval / 4), symbol, second, File, bar.Line));
        Queue.Insert(FeedRecord.MarkPrice(bar.OpenTimeUs + (2 * interval / 4), symbol, third, File, bar.Line));
        Queue.Insert(FeedRecord.MarkPrice(bar.OpenTimeUs + (3 * interval / 4), symbol, bar.Close, File, bar.Line));
    }

    private static Price Max(Price a, Price b) => a < b ? b : a;

    private static Price Min(Price a, Price b) => a < b ? a : b;

    /// <summary>One OHLC bar (prices at 8 decimals), open time in µs.</summary>
    private readonly record struct Bar(long OpenTimeUs, Price Open, Price High, Price Low, Price Close, long Line);
}
