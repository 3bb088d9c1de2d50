namespace LiquidationEngine.Feeds;

/// <summary>Counts errors per <see cref="FeedErrorKind"/> and keeps the first ones for display.</summary>
/// <remarks>Thread-safe, so readers on different threads may share one collector. Only the first
/// <see cref="RetainLimit"/> errors are kept (a damaged multi-gigabyte file must not exhaust memory); all are counted.</remarks>
public sealed class FeedErrorCollector : IFeedErrorSink
{
    /// <summary>Guards <see cref="_retained"/> and <see cref="_counts"/>.</summary>
    private readonly Lock _gate = new();

    /// <summary>The first <see cref="RetainLimit"/> errors, in report order.</summary>
    private readonly List<FeedError> _retained = [];

    /// <summary>Count per kind, indexed by the enum value.</summary>
    private readonly long[] _counts = new long[Enum.GetValues<FeedErrorKind>().Length];

    /// <summary>Creates a collector that keeps the first <paramref name="retainLimit"/> errors.</summary>
    public FeedErrorCollector(int retainLimit = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retainLimit);
        RetainLimit = retainLimit;
    }

    /// <summary>How many errors are kept in <see cref="Errors"/>.</summary>
    public int RetainLimit { get; }

    /// <summary>All errors reported, of every kind.</summary>
    public long Total
    {
        get
        {
            lock (_gate)
            {
                return _counts.Sum();
            }
        }
    }

    /// <summary>A snapshot of the retained errors, oldest first.</summary>
    public IReadOnlyList<FeedError> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _retained];
            }
        }
    }

    /// <summary>How many errors of <paramref name="kind"/> were reported.</summary>
    public long Count(FeedErrorKind kind)
    {
        lock (_gate)
        {
            return _counts[(int)kind];
        }
    }

    /// <summary>A snapshot of the non-zero counts per kind.</summary>
    public IReadOnlyDictionary<FeedErrorKind, long> CountsByKind()
    {
        lock (_gate)
        {
            var result = new Dictionary<FeedErrorKind, long>();
            for (int i = 0; i < _counts.Length; i++)
            {
                if (_counts[i] != 0)
                {
                    result[(FeedErrorKind)i] = _counts[i];
                }
            }

            return result;
        }
    }

    /// <inheritdoc/>
    public void Report(FeedError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (_gate)
        {
            _counts[(int)error.Kind]++;
            if (_retained.Count < RetainLimit)
            {
                _retained.Add(error);
            }
        }
    }

    /// <summary>One line per non-zero kind, e.g. <c>MalformedLine: 3</c>; "no errors" when there are none.</summary>
    public override string ToString()
    {
        var counts = CountsByKind();
        return counts.Count == 0
            ? "no errors"
            : string.Join(Environment.NewLine, counts.Select(c => $"{c.Key}: {c.Value}"));
    }
}
