using LiquidationEngine.Feeds;
using LiquidationEngine.Instruments;
using LiquidationEngine.Replay;

namespace LiquidationEngine.Host.Replay;

/// <summary>
/// Recorded feeds as replay input: the feed readers' records (already merged by timestamp and mapped to instrument
/// symbols) resolved to catalog indices. Can read ahead a little to learn each instrument's first mark, which anchors a
/// generated book, without losing any record.
/// </summary>
internal sealed class FeedReplayInput : IReplayInput
{
    private readonly IFeedReader _reader;
    private readonly InstrumentCatalog _catalog;
    private readonly IFeedErrorSink _errors;
    private readonly Queue<ReplayTick> _lookahead = new();
    private readonly Dictionary<int, long> _firstMarks = [];
    private readonly List<int> _instrumentsInOrder = [];

    public FeedReplayInput(IFeedReader reader, InstrumentCatalog catalog, IFeedErrorSink errors)
    {
        _reader = reader;
        _catalog = catalog;
        _errors = errors;
    }

    /// <inheritdoc/>
    public long? TotalTicks => null;

    /// <summary>First mark per instrument seen so far (after <see cref="ReadAhead"/>).</summary>
    public IReadOnlyDictionary<int, long> FirstMarks => _firstMarks;

    /// <summary>Instruments in the order their first mark was seen.</summary>
    public IReadOnlyList<int> InstrumentsInOrder => _instrumentsInOrder;

    /// <summary>The feed statistics so far.</summary>
    public FeedReaderStatistics Statistics => _reader.Statistics;

    /// <summary>The symbol map for a catalog: its venue aliases, and every instrument symbol to itself.</summary>
    public static SymbolMap SymbolMapFor(InstrumentCatalog catalog)
        => new(catalog.Aliases.Concat(catalog.Instruments.Select(i => new KeyValuePair<string, string>(i.Symbol, i.Symbol))));

    /// <summary>Opens and merges the input files.</summary>
    public static FeedReplayInput Open(IReadOnlyList<string> paths, FeedFormat format, FeedReaderOptions options, InstrumentCatalog catalog)
    {
        var readers = new List<IFeedReader>(paths.Count);
        try
        {
            foreach (string path in paths)
            {
                readers.Add(FeedReaderFactory.Open(path, format, options));
            }
        }
        catch
        {
            foreach (IFeedReader r in readers)
            {
                r.Dispose();
            }

            throw;
        }

        return new FeedReplayInput(new FeedMerger(readers), catalog, options.Errors);
    }

    /// <summary>Reads ahead (kept for replay) until <paramref name="windowUs"/> of feed time past the first record, or
    /// <paramref name="maxRecords"/> records, to learn first marks.</summary>
    public void ReadAhead(long windowUs, int maxRecords)
    {
        long start = long.MinValue;
        while (_lookahead.Count < maxRecords && TryReadFromFeed(out ReplayTick tick))
        {
            _lookahead.Enqueue(tick);
            start = start == long.MinValue ? tick.TimestampUs : start;
            if (tick.TimestampUs - start > windowUs)
            {
                break;
            }
        }
    }

    /// <inheritdoc/>
    public bool TryRead(out ReplayTick tick)
    {
        if (_lookahead.TryDequeue(out tick))
        {
            return true;
        }

        return TryReadFromFeed(out tick);
    }

    /// <inheritdoc/>
    public void Dispose() => _reader.Dispose();

    private bool TryReadFromFeed(out ReplayTick tick)
    {
        while (_reader.TryRead(out FeedRecord record))
        {
            if (!_catalog.TryFind(record.Symbol, out Instrument instrument))
            {
                // Only reachable with a pass-through symbol map; counted like any unknown symbol.
                _errors.Report(new FeedError(record.File, record.Line, FeedErrorKind.UnknownSymbol, $"symbol '{record.Symbol}' is not in the instruments config"));
                continue;
            }

            if (record.Kind == FeedRecordKind.MarkPrice)
            {
                if (_firstMarks.TryAdd(instrument.Index, record.Mark.Raw))
                {
                    _instrumentsInOrder.Add(instrument.Index);
                }

                tick = new ReplayTick(ReplayTickKind.Mark, record.TimestampUs, instrument.Index, record.Mark.Raw, 0);
            }
            else
            {
                tick = new ReplayTick(ReplayTickKind.Funding, record.TimestampUs, instrument.Index, record.Mark.Raw, record.FundingRate.Raw);
            }

            return true;
        }

        tick = default;
        return false;
    }
}
